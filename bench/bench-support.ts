/**
 * Shared pieces of the benchmarks: server addresses, a bulk IMAP appender,
 * percentiles, RSS sampling and the figure printer. Benchmarks use the same
 * local servers as the tests (`npm run services`).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { ImapFlow } from 'imapflow';
import { testServers, uniqueName, type TestServers } from '../tests/support/servers.js';

export { testServers, uniqueName };
export type { TestServers };

/** Returns the value at quantile q (0..1) of the samples, by the nearest-rank method. */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Reads an integer setting of a benchmark from the environment, at least `minimum` (1 unless given). */
export function intSetting(name: string, fallback: number, minimum = 1): number {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum) {
    throw new Error(`${name} must be a whole number of at least ${minimum}, got "${text}"`);
  }
  return value;
}

/** Resident set size of a process in MiB, from /proc (Linux). */
export function rssMiB(pid: number = process.pid): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Describes the machine in one line, printed with every benchmark. */
export function machineLine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}`;
}

/** Prints one figure as an aligned row: name, value with unit, and a note such as the target. */
export function printFigure(name: string, value: number | string, unit = '', note = ''): void {
  let formatted = String(value);
  if (typeof value === 'number' && !Number.isInteger(value)) {
    formatted = value.toFixed(value < 10 ? 3 : 1);
  }
  process.stdout.write(`  ${name.padEnd(44)} ${`${formatted} ${unit}`.trim().padEnd(16)} ${note}\n`);
}

/** Opens one IMAP connection and keeps it for appending many messages quickly. */
export async function openAppender(imap: TestServers['imap'], mailbox: string): Promise<{
  append(raw: Buffer | string): Promise<number>;
  close(): Promise<void>;
}> {
  const client = new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: imap.user, pass: imap.password },
    logger: false,
  });
  await client.connect();
  return {
    async append(raw) {
      const result = await client.append(mailbox, Buffer.isBuffer(raw) ? raw : Buffer.from(raw));
      if (result === false || result.uid === undefined) {
        throw new Error(`append to ${mailbox} returned no UID`);
      }
      return result.uid;
    },
    async close() {
      await client.logout();
    },
  };
}

const SUBJECTS_EN = ['Forgot my password', 'Printer does not print', 'VPN will not connect', 'Wi-Fi drops in the office', 'New monitor request'];
const SUBJECTS_PL = ['Zapomniałem hasła', 'Drukarka nie drukuje', 'VPN się nie łączy', 'Wi-Fi rozłącza się w biurze', 'Prośba o nowy monitor'];

/** Builds a plain-text request from a distinct sender, alternating English and Polish. */
export function benchMail(index: number, runId: string): string {
  const polish = index % 2 === 1;
  const subjects = polish ? SUBJECTS_PL : SUBJECTS_EN;
  const subject = subjects[index % subjects.length] as string;
  const body = polish
    ? `Dzień dobry,\r\nod rana mam problem: ${subject.toLowerCase()}. Proszę o pomoc.\r\nPozdrawiam\r\n`
    : `Hello,\r\nsince this morning I have a problem: ${subject.toLowerCase()}. Please help.\r\nThanks\r\n`;
  const encodedSubject = polish ? `=?UTF-8?B?${Buffer.from(subject).toString('base64')}?=` : subject;
  return [
    `From: Bench User ${index} <bench.${runId}.${index}@example.test>`,
    'To: support@linia.test',
    `Subject: ${encodedSubject}`,
    `Message-ID: <bench.${runId}.${index}@example.test>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
  ].join('\r\n');
}
