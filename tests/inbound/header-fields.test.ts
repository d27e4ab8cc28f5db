import { firstHeader, headersToRecord, readHeaderBlock } from '../../src/inbound/header-block.js';
import { parseDateHeader, parseReturnPath } from '../../src/inbound/mail-fields.js';

describe('readHeaderBlock', () => {
  it('unfolds headers and keeps repeated ones in order', () => {
    const raw = Buffer.from('Received: one\r\nSubject: first\r\n part\r\nReceived: two\r\n\r\nBody: not a header\r\n');
    const headers = readHeaderBlock(raw, 1024);
    expect(firstHeader(headers, 'Subject')).toBe('first part');
    expect(headers.get('received')).toEqual(['one', 'two']);
    expect(headers.has('body')).toBe(false);
  });

  it('reads LF and CR-only line endings', () => {
    expect(firstHeader(readHeaderBlock(Buffer.from('A: 1\nB: 2\n\nC: 3'), 1024), 'b')).toBe('2');
    const crOnly = readHeaderBlock(Buffer.from('A: 1\rB: 2\r\rC: 3'), 1024);
    expect(firstHeader(crOnly, 'b')).toBe('2');
    expect(crOnly.has('c')).toBe(false);
  });

  it('skips an mbox From line and lines without a name', () => {
    const headers = readHeaderBlock(Buffer.from('From someone Mon Mar 4 2024\nno colon here\nSubject: x\n\n'), 1024);
    expect([...headers.keys()]).toEqual(['subject']);
  });

  it('stops at the byte limit', () => {
    const headers = readHeaderBlock(Buffer.from('Subject: x\r\nX-Long: 123456789\r\n\r\n'), 14);
    expect(firstHeader(headers, 'subject')).toBe('x');
    expect(headers.has('x-long')).toBe(false);
  });
});

describe('headersToRecord', () => {
  it('joins repeated headers and caps long values', () => {
    const headers = new Map([
      ['received', ['one', 'two']],
      ['x-long', ['y'.repeat(5000)]],
    ]);
    const record = headersToRecord(headers);
    expect(record['received']).toBe('one\ntwo');
    expect(record['x-long']).toHaveLength(2001);
  });

  it('keeps a header named __proto__ as a plain key', () => {
    const record = headersToRecord(new Map([['__proto__', ['x']]]));
    expect(Object.keys(record)).toEqual(['__proto__']);
  });
});

describe('parseReturnPath', () => {
  it.each([
    ['<>', ''],
    ['< >', ''],
    ['<MAILER-DAEMON>', 'MAILER-DAEMON'],
    ['<jan@example.pl>', 'jan@example.pl'],
    ['jan@example.pl', 'jan@example.pl'],
    ['<jan@example.pl> (envelope)', 'jan@example.pl'],
  ])('reads %p as %p', (value, expected) => {
    expect(parseReturnPath(new Map([['return-path', [value]]]))).toBe(expected);
  });

  it('returns null without the header', () => {
    expect(parseReturnPath(new Map())).toBeNull();
  });

  it('takes the topmost of several headers', () => {
    expect(parseReturnPath(new Map([['return-path', ['<>', '<old@example.com>']]]))).toBe('');
  });
});

describe('parseDateHeader', () => {
  it('reads an RFC 5322 date with an offset and a comment', () => {
    expect(parseDateHeader('Mon, 4 Mar 2024 11:02:01 +0100 (CET)')?.toISOString()).toBe('2024-03-04T10:02:01.000Z');
  });

  it('reads a date without a zone as UTC', () => {
    // Runs in a zone away from UTC, so a date read as local time would be an hour off.
    const originalZone = process.env.TZ;
    process.env.TZ = 'Europe/Warsaw';
    try {
      expect(parseDateHeader('Fri, 7 Dec 2001 07:01:03')?.toISOString()).toBe('2001-12-07T07:01:03.000Z');
    } finally {
      process.env.TZ = originalZone;
    }
  });

  it.each([null, '', 'not a date', '(only a comment)'])('returns null for %p', (value) => {
    expect(parseDateHeader(value)).toBeNull();
  });
});
