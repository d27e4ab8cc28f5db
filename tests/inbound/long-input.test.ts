import { classifyAutomatic, looksLikeAutoReplySubject } from '../../src/inbound/automatic-mail.js';
import { detectLanguage } from '../../src/inbound/language.js';
import { parseDateHeader } from '../../src/inbound/mail-fields.js';
import { parseMessageIdList } from '../../src/inbound/message-key.js';
import { extractNewText } from '../../src/inbound/quote-strip.js';
import { saysSolved } from '../../src/inbound/solved-intent.js';
import { extractTicketTag, normalizeSubject } from '../../src/inbound/subject.js';

/**
 * Inputs shaped to make a backtracking regular expression take quadratic time. A linear
 * implementation handles each in a few milliseconds, a quadratic one in minutes, so the
 * one-second limit separates them on any machine.
 */
const LIMIT_MS = 1000;
const LENGTH = 200_000;

function timed(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

describe('long hostile input', () => {
  const spaces = ' '.repeat(LENGTH);
  const longToken = 'a'.repeat(LENGTH);

  it.each([
    ['extractTicketTag with a run of spaces', () => extractTicketTag(`[${spaces}x`, '')],
    ['normalizeSubject with spaces after Re', () => normalizeSubject(`Re${spaces}x`)],
    ['normalizeSubject with stacked prefixes', () => normalizeSubject('Re: '.repeat(LENGTH / 4))],
    ['detectLanguage with one long token', () => detectLanguage(longToken)],
    ['extractNewText with a long line of spaces', () => extractNewText(`text${spaces}x\n> quote`)],
    ['saysSolved with many "still"', () => saysSolved('still '.repeat(LENGTH / 6))],
    ['parseMessageIdList with a long bare value', () => parseMessageIdList(longToken)],
    ['parseDateHeader with a long value', () => parseDateHeader(`1 ${longToken}`)],
    ['looksLikeAutoReplySubject with a long subject', () => looksLikeAutoReplySubject(longToken)],
    [
      'classifyAutomatic with long header values',
      () =>
        classifyAutomatic(new Map([['x-loop', [longToken]], ['precedence', [spaces]]]), null, longToken, `multipart/report;${spaces}`, longToken, {
          ownDomains: ['linia.example'],
        }),
    ],
  ])('%s finishes in time', (_name, run) => {
    expect(timed(run)).toBeLessThan(LIMIT_MS);
  });
});
