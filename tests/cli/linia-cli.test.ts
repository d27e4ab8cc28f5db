/**
 * Runs the built `linia` command as a user would (`npm test` compiles it first),
 * checking exit codes and that standard output carries only the command's result.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import mongoose from 'mongoose';
import { testServers, uniqueName } from '../support/servers.js';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'linia.js');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function linia(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('linia CLI', () => {
  it('lists every configuration problem and exits 78', async () => {
    const result = await linia(['config', 'check'], { MONGODB_URI: 'postgres://nope', IMAP_PORT: 'abc', LOG_LEVEL: 'verbose' });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('MONGODB_URI: ');
    expect(result.stderr).toContain('IMAP_PORT: ');
    expect(result.stderr).toContain('LOG_LEVEL: ');
    expect(result.stdout).toBe('');
  });

  it('speaks Polish when LINIA_LANG=pl', async () => {
    const result = await linia(['config', 'check'], { MONGODB_URI: 'postgres://nope', LINIA_LANG: 'pl' });
    expect(result.stderr).toContain('Linia nie może wystartować: konfiguracja jest błędna.');
  });

  it('prints only JSON lines from demo --json', async () => {
    const servers = testServers();
    const database = uniqueName('linia_cli_demo');
    const result = await linia(
      ['demo', '--json', '--database', database, '--emails', path.join(ROOT, 'examples', 'emails'), '--kb', path.join(ROOT, 'examples', 'kb'), '--l2-after', '1s', '--l3-after', '1s'],
      {
        MONGODB_URI: `${servers.mongoBaseUri}/${database}`,
        REDIS_URL: servers.redisUrl,
        IMAP_HOST: servers.imap.host,
        IMAP_PORT: String(servers.imap.port),
        IMAP_USER: servers.imap.user,
        IMAP_PASSWORD: servers.imap.password,
        IMAP_SECURE: 'false',
        // The demo prefers the services env file; point it at an empty folder so these values count.
        LINIA_SERVICES_DIR: path.join(ROOT, 'tests', 'cli'),
      },
    );
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const summary = lines.pop() as { summary: Record<string, number> };
    expect(lines.length).toBeGreaterThanOrEqual(10);
    for (const line of lines) {
      expect(['auto-replied', 'acknowledged', 'attached', 'automatic', 'quarantined']).toContain(line.action);
    }
    expect(Object.values(summary.summary).reduce((sum, count) => sum + count, 0)).toBe(lines.length);
    expect(lines.find((line) => line.file === '09-uszkodzona-wiadomosc.eml')?.action).toBe('quarantined');

    const connection = await mongoose.createConnection(`${servers.mongoBaseUri}/${database}`).asPromise();
    await connection.dropDatabase();
    await connection.close();
  }, 150_000);
});
