/**
 * Runs the built `linia sla due` as a user would (`npm test` compiles it first). The
 * store and Redis URLs point at closed ports to show the command needs no server.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'linia.js');
const NO_SERVERS = { MONGODB_URI: 'mongodb://127.0.0.1:9/none', REDIS_URL: 'redis://127.0.0.1:9' };

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function slaDue(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, 'sla', 'due', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LINIA_LANG: 'en', ...NO_SERVERS, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

async function dueOf(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const result = await slaDue([...args, '--json'], env);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as { due: string }).due;
}

describe('linia sla due', () => {
  let folder: string;
  let policyFile: string;

  beforeAll(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'linia-sla-due-'));
    policyFile = path.join(folder, 'policy.yml');
    writeFileSync(
      policyFile,
      [
        'holidays:',
        "  extra: ['2026-12-15']",
        'schedules:',
        '  l3-onsite:',
        '    weekly:',
        "      tue: '09:00-15:00'",
        '  help-desk:',
        '    weekly:',
        "      mon-fri: '09:00-21:00'",
        '',
      ].join('\n'),
    );
  });

  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  describe('when the schedule is default', () => {
    it('carries Friday afternoon over the weekend', async () => {
      expect(await dueOf(['--from', '2026-12-04T15:00', '--target', '4h'])).toBe('2026-12-07T11:00:00.000+01:00');
    });

    it('skips Christmas Eve and both Christmas days', async () => {
      expect(await dueOf(['--from', '2026-12-23T15:00', '--target', '1h30m'])).toBe('2026-12-28T08:30:00.000+01:00');
    });

    it('starts a target given before opening at 08:00', async () => {
      expect(await dueOf(['--from', '2026-12-07T06:00', '--target', '90m'])).toBe('2026-12-07T09:30:00.000+01:00');
    });

    it('reads an offset or Z as that instant', async () => {
      expect(await dueOf(['--from', '2026-12-07T07:00Z', '--target', '30m'])).toBe('2026-12-07T08:30:00.000+01:00');
    });

    it('prints summer deadlines with +02:00', async () => {
      expect(await dueOf(['--from', '2026-06-30T15:30', '--target', '1h'])).toBe('2026-07-01T08:30:00.000+02:00');
    });

    it('skips Easter Monday 2027', async () => {
      expect(await dueOf(['--from', '2027-03-26T15:00', '--target', '2h'])).toBe('2027-03-30T09:00:00.000+02:00');
    });
  });

  describe('when the target runs out at closing time', () => {
    it('falls due at 16:00 and gives the next opening', async () => {
      const result = await slaDue(['--from', '2026-12-04T15:55', '--target', '5m', '--json']);
      expect(result.code).toBe(0);
      const output = JSON.parse(result.stdout) as { due: string; noticeAt: string };
      expect(output.due).toBe('2026-12-04T16:00:00.000+01:00');
      expect(output.noticeAt).toBe('2026-12-07T08:00:00.000+01:00');
    });

    it('shows the notice time to people', async () => {
      const result = await slaDue(['--from', '2026-12-04T15:55', '--target', '5m'], { LINIA_LANG: 'pl' });
      expect(result.stdout).toContain('Powiadomienie przy najbliższym otwarciu: poniedziałek 7 grudnia 2026, 08:00 (UTC+01:00)\n');
    });
  });

  describe('when the schedule is 24x7', () => {
    it('adds 30 min at 23:50 to reach 00:20', async () => {
      expect(await dueOf(['--from', '2026-12-24T23:50', '--target', '30m', '--schedule', '24x7'])).toBe('2026-12-25T00:20:00.000+01:00');
    });
  });

  describe('when the schedule comes from a policy file', () => {
    it('reads --policy', async () => {
      expect(await dueOf(['--from', '2026-12-07T10:00', '--target', '8h', '--schedule', 'l3-onsite', '--policy', policyFile])).toBe(
        '2026-12-22T11:00:00.000+01:00',
      );
    });

    it('reads LINIA_POLICY_FILE', async () => {
      expect(await dueOf(['--from', '2022-11-10T23:00', '--target', '48h', '--schedule', 'help-desk'], { LINIA_POLICY_FILE: policyFile })).toBe(
        '2022-11-17T21:00:00.000+01:00',
      );
    });

    it('lists the policy schedules for an unknown name', async () => {
      const result = await slaDue(['--from', '2026-12-07T10:00', '--target', '1h', '--schedule', 'weekend', '--policy', policyFile]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('--schedule "weekend" is unknown; use one of: default, 24x7, l3-onsite, help-desk');
    });

    it('reports an invalid policy file with exit code 78', async () => {
      const broken = path.join(folder, 'broken.yml');
      writeFileSync(broken, "schedules:\n  team:\n    weekly:\n      fri: '22:00-06:00'\n");
      const result = await slaDue(['--from', '2026-12-07T10:00', '--target', '1h', '--policy', broken]);
      expect(result.code).toBe(78);
      expect(result.stderr).toContain('"22:00-06:00" is not an opening');
      expect(result.stdout).toBe('');
    });
  });

  describe('when output is for people', () => {
    it('prints the deadline in English', async () => {
      const result = await slaDue(['--from', '2026-12-04T15:00', '--target', '4h']);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(
        [
          'Due: Monday 7 December 2026, 11:00 (Europe/Warsaw, UTC+01:00)',
          '  2026-12-07T11:00:00.000+01:00',
          'From: Friday 4 December 2026, 15:00 (UTC+01:00)',
          'Business time: 4h, schedule "default"',
          '',
        ].join('\n'),
      );
    });

    it('prints the deadline in Polish', async () => {
      const result = await slaDue(['--from', '2026-12-04T15:00', '--target', '4h'], { LINIA_LANG: 'pl' });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(
        [
          'Termin: poniedziałek 7 grudnia 2026, 11:00 (Europe/Warsaw, UTC+01:00)',
          '  2026-12-07T11:00:00.000+01:00',
          'Od: piątek 4 grudnia 2026, 15:00 (UTC+01:00)',
          'Czas pracy: 4h, harmonogram „default”',
          '',
        ].join('\n'),
      );
    });
  });

  describe('when the input is invalid', () => {
    it.each([
      [['--target', '4h'], 'option --from is missing'],
      [['--from', '2026-12-07T10:00'], 'option --target is missing'],
      [['--from', '07.12.2026 10:00', '--target', '4h'], '--from "07.12.2026 10:00" is not a valid ISO-8601 date-time'],
      [['--from', '2026-02-30T10:00', '--target', '4h'], '--from "2026-02-30T10:00" is not a valid ISO-8601 date-time'],
      [['--from', '2026-12-07T10:00', '--target', '2d'], '--target "2d" is not a duration; write business time in hours and minutes, e.g. 4h, 90m or 1h30m'],
      [['--from', '2026-12-07T10:00', '--target', '0m'], '--target "0m" is zero; give at least 1m'],
      [['--from', '2026-12-07T10:00', '--target', '1h', '--schedule', 'weekend'], '--schedule "weekend" is unknown; use one of: default, 24x7'],
      [['--from', '2026-12-07T10:00', '--target', '1000000h'], 'schedule "default" does not reach 1000000h of business time within 100 years of --from'],
    ])('rejects %j', async (args, expected) => {
      const result = await slaDue(args);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`Failed: ${expected}`);
    });

    it('explains the error in Polish', async () => {
      const result = await slaDue(['--from', '2026-12-07T10:00', '--target', 'cztery'], { LINIA_LANG: 'pl' });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Błąd: --target „cztery” nie jest czasem trwania; podaj czas pracy w godzinach i minutach, np. 4h, 90m lub 1h30m');
    });
  });
});
