import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import mongoose, { Types } from 'mongoose';
import {
  feedbackFactor,
  InvalidKbFeedbackError,
  loadFeedbackCounts,
  loadFeedbackFactors,
  MAX_FEEDBACK_ADJUSTMENT,
  recordKbFeedback,
  type KbFeedbackInput,
} from '../../src/kb/feedback.js';
import { KbIndex } from '../../src/kb/kb-index.js';
import { loadKbStats, summarizeKbStats } from '../../src/kb/kb-stats.js';
import { loadKbFolder } from '../../src/kb/markdown-article.js';
import { createBm25Matcher, type KbMatcher } from '../../src/kb/matcher.js';
import { setLogLevel } from '../../src/logging/logger.js';
import { KbFeedbackModel } from '../../src/store/kb-feedback.model.js';
import { TicketEventModel } from '../../src/store/ticket-event.model.js';
import { appendEvent } from '../../src/tickets/ticket-repository.js';
import { EXAMPLES_KB, MONGODB_URI_BASE } from './kb-paths.js';

const SERVER_TIMEOUT_MS = 5000;

describe('feedbackFactor', () => {
  it('is neutral without answers', () => {
    expect(feedbackFactor({ solved: 0, needsHelp: 0 })).toBe(1);
  });

  it('moves less than 0.02 on one answer', () => {
    expect(Math.abs(feedbackFactor({ solved: 0, needsHelp: 1 }) - 1)).toBeLessThan(0.02);
    expect(Math.abs(feedbackFactor({ solved: 1, needsHelp: 0 }) - 1)).toBeLessThan(0.02);
  });

  it('stays within its bound however many answers come', () => {
    expect(feedbackFactor({ solved: 0, needsHelp: 1_000_000 })).toBeGreaterThanOrEqual(1 - MAX_FEEDBACK_ADJUSTMENT);
    expect(feedbackFactor({ solved: 1_000_000, needsHelp: 0 })).toBeLessThanOrEqual(1 + MAX_FEEDBACK_ADJUSTMENT);
  });
});

describe('feedback in the ranking', () => {
  let matcher: KbMatcher;

  beforeAll(async () => {
    matcher = createBm25Matcher((await loadKbFolder(EXAMPLES_KB)).articles);
  });

  function ranking(query: string, factors?: Map<string, number>): string[] {
    return matcher.search(query, { language: 'pl', limit: 3, feedbackFactors: factors }).map((match) => match.articleId);
  }

  it('lifts a close runner-up that requesters say solves it', () => {
    const query = 'konto zablokowane, nie pamiętam hasła';
    const [first, second] = ranking(query);
    const factors = new Map([
      [first as string, feedbackFactor({ solved: 0, needsHelp: 200 })],
      [second as string, feedbackFactor({ solved: 200, needsHelp: 0 })],
    ]);

    expect(ranking(query, factors).slice(0, 2)).toEqual([second, first]);
  });

  it('does not move an article for one click', () => {
    const query = 'konto zablokowane, nie pamiętam hasła';
    const [first, second] = ranking(query);
    const factors = new Map([
      [first as string, feedbackFactor({ solved: 0, needsHelp: 1 })],
      [second as string, feedbackFactor({ solved: 1, needsHelp: 0 })],
    ]);

    expect(ranking(query, factors).slice(0, 2)).toEqual([first, second]);
  });

  it('cannot bury a clear match however many complaints it gets', () => {
    const query = 'mam nowy telefon, jak przenieść authenticator';
    const before = matcher.search(query, { language: 'pl', limit: 2 });
    const [best] = before;
    const factors = new Map([[best?.articleId as string, feedbackFactor({ solved: 0, needsHelp: 1_000_000 })]]);
    const after = matcher.search(query, { language: 'pl', limit: 2, feedbackFactors: factors });

    expect(after[0]?.articleId).toBe(best?.articleId);
    expect(after[0]?.confidence).toBe(best?.confidence);
  });
});

describe('summarizeKbStats', () => {
  const at = (minute: number): Date => new Date(Date.UTC(2026, 0, 1, 9, minute));

  it('counts answers, solved, escalations and deflection per article', () => {
    const stats = summarizeKbStats({
      autoReplies: [
        { ticketId: 't1', articleId: 'vpn.md', at: at(0) },
        { ticketId: 't1', articleId: 'vpn.md', at: at(5) },
        { ticketId: 't2', articleId: 'vpn.md', at: at(0) },
        { ticketId: 't3', articleId: 'vpn.md', at: at(10) },
        { ticketId: 't4', articleId: 'printer.md', at: at(0) },
      ],
      escalations: [
        { ticketId: 't2', at: at(30) },
        // Escalated before the article was sent: not the article's failure.
        { ticketId: 't3', at: at(1) },
      ],
      feedback: [
        { ticketId: 't1', articleId: 'vpn.md', outcome: 'solved' },
        { ticketId: 't3', articleId: 'vpn.md', outcome: 'needs_help' },
      ],
    });

    expect(stats).toEqual([
      { articleId: 'printer.md', autoAnswers: 1, solved: 0, needsHelp: 0, escalated: 0, solvedRate: 0, escalationRate: 0, deflectionRate: 1 },
      { articleId: 'vpn.md', autoAnswers: 3, solved: 1, needsHelp: 1, escalated: 1, solvedRate: 1 / 3, escalationRate: 1 / 3, deflectionRate: 1 / 3 },
    ]);
  });
});

describe('knowledge-base feedback on FerretDB', () => {
  let database: string;
  const ticket = { _id: new Types.ObjectId(), number: 41 };

  function input(overrides: Partial<KbFeedbackInput> = {}): KbFeedbackInput {
    return {
      ticketId: ticket._id.toHexString(),
      ticketNumber: ticket.number,
      articleId: 'pl/vpn-nie-laczy.md',
      query: 'VPN nie łączy\u0000 z domu',
      language: 'pl',
      outcome: 'solved',
      source: 'email',
      key: 'mail:<reply-1@example.com>',
      ...overrides,
    };
  }

  beforeAll(async () => {
    setLogLevel('silent');
    database = `linia_test_kbfb_${randomBytes(4).toString('hex')}`;
    mongoose.set('bufferTimeoutMS', SERVER_TIMEOUT_MS);
    await mongoose.connect(`${MONGODB_URI_BASE}/${database}`, { serverSelectionTimeoutMS: SERVER_TIMEOUT_MS, autoIndex: false });
    await Promise.all([KbFeedbackModel.createIndexes(), TicketEventModel.createIndexes()]);
  });

  afterAll(async () => {
    await mongoose.connection.dropDatabase();
    await mongoose.disconnect();
  });

  beforeEach(async () => {
    await Promise.all([KbFeedbackModel.deleteMany({}), TicketEventModel.deleteMany({})]);
  });

  it('records one answer and one ticket event for a repeated key', async () => {
    await recordKbFeedback(input());
    await recordKbFeedback(input());

    const stored = await KbFeedbackModel.find({}).lean();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.query).toBe('VPN nie łączy z domu');
    const events = await TicketEventModel.find({ type: 'kb.feedback' }).lean();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ ticketNumber: 41, articleId: 'pl/vpn-nie-laczy.md', detail: 'solved' });
  });

  it('records concurrent duplicates once', async () => {
    await Promise.all(Array.from({ length: 5 }, () => recordKbFeedback(input({ key: 'slack:A1' }))));

    expect(await KbFeedbackModel.countDocuments({ key: 'slack:A1' })).toBe(1);
    expect(await TicketEventModel.countDocuments({ key: 'kb-feedback:slack:A1' })).toBe(1);
  });

  it('rejects invalid input with the field named', async () => {
    await expect(recordKbFeedback(input({ ticketId: 'nope' }))).rejects.toThrow(InvalidKbFeedbackError);
    await expect(recordKbFeedback(input({ outcome: 'maybe' as never }))).rejects.toThrow(/outcome "maybe"/);
    expect(await KbFeedbackModel.countDocuments({})).toBe(0);
  });

  it('counts answers per article for the ranking', async () => {
    await recordKbFeedback(input({ key: 'a' }));
    await recordKbFeedback(input({ key: 'b' }));
    await recordKbFeedback(input({ key: 'c', outcome: 'needs_help', source: 'slack' }));
    await recordKbFeedback(input({ key: 'd', articleId: 'pl/reset-hasla.md', outcome: 'needs_help' }));

    const counts = await loadFeedbackCounts();
    expect(counts.get('pl/vpn-nie-laczy.md')).toEqual({ solved: 2, needsHelp: 1 });
    expect(counts.get('pl/reset-hasla.md')).toEqual({ solved: 0, needsHelp: 1 });
    const factors = await loadFeedbackFactors();
    expect(factors.get('pl/vpn-nie-laczy.md')).toBeCloseTo(feedbackFactor({ solved: 2, needsHelp: 1 }));
  });

  it('passes stored feedback to searches through the index', async () => {
    const { articles } = await loadKbFolder(EXAMPLES_KB);
    let now = 0;
    const index = new KbIndex({ loadArticles: async () => articles.map((article) => ({ ...article, importedAt: new Date(0), updatedAt: new Date(0) })), readFingerprint: async () => 'fixed', loadFeedbackFactors, now: () => now });
    await index.refresh();
    const query = 'konto zablokowane, nie pamiętam hasła';
    const [first, second] = index.search(query, { language: 'pl', limit: 2 }).map((match) => match.articleId);
    for (let answer = 0; answer < 100; answer++) {
      await recordKbFeedback(input({ key: `down-${answer}`, articleId: first as string, outcome: 'needs_help' }));
      await recordKbFeedback(input({ key: `up-${answer}`, articleId: second as string, outcome: 'solved' }));
    }

    await index.refresh();
    expect(index.search(query, { language: 'pl', limit: 1 })[0]?.articleId).toBe(first);
    now += 60_000;
    await index.refresh();
    expect(index.search(query, { language: 'pl', limit: 1 })[0]?.articleId).toBe(second);
  });

  it('shows deflection per article in linia kb stats', async () => {
    const answered = { _id: new Types.ObjectId(), number: 7 };
    const escalated = { _id: new Types.ObjectId(), number: 8 };
    await appendEvent(answered, { key: 'sent:1', type: 'auto_reply.sent', articleId: 'pl/vpn-nie-laczy.md', at: new Date(1000) });
    await appendEvent(escalated, { key: 'sent:2', type: 'auto_reply.sent', articleId: 'pl/vpn-nie-laczy.md', at: new Date(1000) });
    await appendEvent(escalated, { key: 'escalated:L2', type: 'ticket.escalated', line: 'L2', at: new Date(5000) });
    await recordKbFeedback(input({ ticketId: answered._id.toHexString(), ticketNumber: 7, key: 'fb-7' }));

    const stats = await loadKbStats();
    expect(stats).toEqual([
      { articleId: 'pl/vpn-nie-laczy.md', autoAnswers: 2, solved: 1, needsHelp: 0, escalated: 1, solvedRate: 0.5, escalationRate: 0.5, deflectionRate: 0.5 },
    ]);

    const run = promisify(execFile);
    const root = path.resolve(__dirname, '..', '..');
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, LINIA_LANG: 'en', MONGODB_URI: `${MONGODB_URI_BASE}/${database}` };
    const table = await run(process.execPath, [path.join(root, 'bin', 'linia.js'), 'kb', 'stats'], { cwd: root, env, timeout: 60_000 });
    expect(table.stdout).toMatch(/pl\/vpn-nie-laczy\.md\s+2\s+1\s+0\s+1\s+50%\s+50%\s+50%/);
    const json = await run(process.execPath, [path.join(root, 'bin', 'linia.js'), 'kb', 'stats', '--json'], { cwd: root, env, timeout: 60_000 });
    const lines = json.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ articleId: 'pl/vpn-nie-laczy.md', autoAnswers: 2, deflectionRate: 0.5 });
    expect(lines[1]).toMatchObject({ total: { autoAnswers: 2, solved: 1, escalated: 1 } });
  });
});
