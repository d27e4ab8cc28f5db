/**
 * Linia's workers as separate `linia worker NAME` processes, which the fault
 * controller kills with SIGKILL and starts again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const LINIA = path.join(ROOT, 'bin', 'linia.js');

export class WorkerPool {
  private readonly processes = new Map<string, ChildProcess>();
  private stopping = false;
  readonly kills = new Map<string, number>();
  readonly unexpectedExits: string[] = [];

  constructor(
    private readonly names: readonly string[],
    private readonly env: NodeJS.ProcessEnv,
    /** File descriptor of the shared log file, written by the children directly. */
    private readonly logFd: number,
  ) {}

  static create(names: readonly string[], env: NodeJS.ProcessEnv, logFile: string): WorkerPool {
    return new WorkerPool(names, env, openSync(logFile, 'a'));
  }

  startAll(): void {
    for (const name of this.names) this.start(name);
  }

  start(name: string): void {
    const child = spawn(process.execPath, [LINIA, 'worker', name], { env: this.env, stdio: ['ignore', this.logFd, this.logFd] });
    child.once('exit', (code, signal) => {
      if (this.processes.get(name) === child) this.processes.delete(name);
      if (!this.stopping && signal !== 'SIGKILL') {
        this.unexpectedExits.push(`${name} exited with ${signal ?? code}`);
        // A worker that died by itself comes back like a supervisor would bring it back.
        setTimeout(() => this.stopping || this.processes.has(name) || this.start(name), 500);
      }
    });
    this.processes.set(name, child);
  }

  /** Kills the worker with SIGKILL (no shutdown code runs) and starts it again after `restartAfterMs`. */
  kill(name: string, restartAfterMs: number): boolean {
    const child = this.processes.get(name);
    if (!child) return false;
    this.processes.delete(name);
    child.kill('SIGKILL');
    this.kills.set(name, (this.kills.get(name) ?? 0) + 1);
    setTimeout(() => this.stopping || this.processes.has(name) || this.start(name), restartAfterMs);
    return true;
  }

  totalKills(): number {
    return [...this.kills.values()].reduce((sum, count) => sum + count, 0);
  }

  /** Stops every worker with SIGTERM (graceful shutdown) and waits for the exits. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.processes.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    this.processes.clear();
    closeSync(this.logFd);
  }
}
