import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, parseDuration } from '../../src/config/index.js';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.problems;
    }
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs on defaults alone', () => {
    const config = loadConfig({});
    expect(config.env.MONGODB_URI).toBe('mongodb://127.0.0.1:27017/linia');
    expect(config.policy.escalation.toL2After).toBe(4 * 3_600_000);
    expect(config.messageIdDomain).toBe('linia.invalid');
  });

  it('lists every invalid variable with its fix', () => {
    const problems = problemsOf(() =>
      loadConfig({ MONGODB_URI: 'postgres://x', IMAP_PORT: '99999', SLACK_BOT_TOKEN: 'abc', LOG_LEVEL: 'loud' }),
    );
    expect(problems).toHaveLength(4);
    expect(problems.find((problem) => problem.startsWith('MONGODB_URI'))).toMatch(/mongodb:\/\//);
    expect(problems.find((problem) => problem.startsWith('IMAP_PORT'))).toMatch(/993/);
    expect(problems.find((problem) => problem.startsWith('SLACK_BOT_TOKEN'))).toMatch(/xoxb-/);
    expect(problems.find((problem) => problem.startsWith('LOG_LEVEL'))).toMatch(/silent/);
  });

  it('names the variables a worker needs when they are missing', () => {
    const problems = problemsOf(() => loadConfig({ SMTP_USER: 'bot' }, ['imap', 'smtp']));
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual([
      'IMAP_HOST',
      'IMAP_PASSWORD',
      'IMAP_USER',
      'MAIL_FROM',
      'SMTP_HOST',
      'SMTP_PASSWORD',
    ]);
  });

  it('Sent folder requires the IMAP login', () => {
    const smtp = { SMTP_HOST: 'smtp.example.test', MAIL_FROM: 'IT <it@example.test>', SMTP_SENT_MAILBOX: 'Sent' };
    const problems = problemsOf(() => loadConfig(smtp, ['smtp']));
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual(['IMAP_HOST', 'IMAP_PASSWORD', 'IMAP_USER']);
    expect(problems[0]).toMatch(/SMTP_SENT_MAILBOX/);
    const imap = { IMAP_HOST: 'imap.example.test', IMAP_USER: 'it@example.test', IMAP_PASSWORD: 'secret' };
    expect(loadConfig({ ...smtp, ...imap }, ['smtp']).env.SMTP_SENT_MAILBOX).toBe('Sent');
  });

  it('names the secret the Slack receiver needs in each mode', () => {
    const token = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc' };
    const http = problemsOf(() => loadConfig(token, ['slack-receiver']));
    expect(http.map((problem) => problem.split(':')[0])).toEqual(['SLACK_SIGNING_SECRET']);
    const socket = problemsOf(() => loadConfig({ ...token, SLACK_MODE: 'socket' }, ['slack-receiver']));
    expect(socket.map((problem) => problem.split(':')[0])).toEqual(['SLACK_APP_TOKEN']);
    expect(() => loadConfig({ ...token, SLACK_MODE: 'socket', SLACK_APP_TOKEN: 'xapp-1-A-1-abc' }, ['slack-receiver'])).not.toThrow();
  });

  it('reads the policy file and rejects bad durations', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'linia-policy-'));
    const good = path.join(dir, 'good.yml');
    writeFileSync(good, 'escalation:\n  toL2After: 30m\n  toL3After: 1h30m\nlines:\n  L2:\n    slackChannel: C0123ABCD\n');
    const config = loadConfig({ LINIA_POLICY_FILE: good });
    expect(config.policy.escalation).toEqual({ toL2After: 1_800_000, toL3After: 5_400_000 });
    expect(config.policy.lines.L2.slackChannel).toBe('C0123ABCD');

    const bad = path.join(dir, 'bad.yml');
    writeFileSync(bad, 'escalation:\n  toL2After: soon\nlines:\n  L2:\n    slackChannel: "#it-help"\n');
    const problems = problemsOf(() => loadConfig({ LINIA_POLICY_FILE: bad }));
    expect(problems.some((problem) => problem.includes('escalation.toL2After') && problem.includes('30m'))).toBe(true);
    expect(problems.some((problem) => problem.includes('lines.L2.slackChannel') && problem.includes('channel id'))).toBe(true);
  });

  it('rejects an escalation address equal to the watched mailbox', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'linia-policy-'));
    const file = path.join(dir, 'loop.yml');
    writeFileSync(file, 'lines:\n  L2:\n    email: [support@example.com]\n');
    const problems = problemsOf(() => loadConfig({ LINIA_POLICY_FILE: file, IMAP_USER: 'support@example.com' }));
    expect(problems[0]).toMatch(/lines\.L2\.email: support@example\.com is Linia's own mailbox/);
  });

  it('reports a missing policy file by its variable', () => {
    const problems = problemsOf(() => loadConfig({ LINIA_POLICY_FILE: '/nonexistent/policy.yml' }));
    expect(problems[0]).toMatch(/^LINIA_POLICY_FILE: cannot read/);
  });
});

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['15', 900_000],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['soon', '5x', '', 'h'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});
