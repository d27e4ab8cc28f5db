import { createHash } from 'node:crypto';

import {
  messageKeyFor,
  normalizeMessageId,
  parseMessageId,
  parseMessageIdList,
  rawBytesKey,
} from '../../src/inbound/message-key.js';

describe('parseMessageIdList', () => {
  it('reads bracketed ids separated by whitespace', () => {
    expect(parseMessageIdList('<a@x.example>\r\n <b@y.example>\t<c@z.example>')).toEqual(['a@x.example', 'b@y.example', 'c@z.example']);
  });

  it('reads bracketed ids separated by commas', () => {
    expect(parseMessageIdList('<a@x.example>,<b@y.example>, <c@z.example>')).toEqual(['a@x.example', 'b@y.example', 'c@z.example']);
  });

  it('reads bare ids', () => {
    expect(parseMessageIdList('a@x.example b@y.example,c@z.example')).toEqual(['a@x.example', 'b@y.example', 'c@z.example']);
  });

  it('drops duplicates and whitespace inside brackets', () => {
    expect(parseMessageIdList('<a@x.example> < a@x.example > <b@y.\r\n example>')).toEqual(['a@x.example', 'b@y.example']);
  });

  it('ignores text around bracketed ids', () => {
    expect(parseMessageIdList('Your message of Mon, 4 Mar 2024 <a@x.example> (comment)')).toEqual(['a@x.example']);
  });

  it.each([null, undefined, '', '   ', '<>'])('returns no ids for %p', (value) => {
    expect(parseMessageIdList(value)).toEqual([]);
  });
});

describe('parseMessageId', () => {
  it('returns the first id without brackets', () => {
    expect(parseMessageId('<Abc@Mail.Example> <second@x>')).toBe('Abc@Mail.Example');
  });

  it('returns null for a blank value', () => {
    expect(parseMessageId('  ')).toBeNull();
  });
});

describe('normalizeMessageId', () => {
  it('lower-cases the domain only', () => {
    expect(normalizeMessageId('<AbC.123@Mail.Firma.Example>')).toBe('AbC.123@mail.firma.example');
  });

  it('keeps an id without a domain', () => {
    expect(normalizeMessageId('<LocalOnly>')).toBe('LocalOnly');
  });

  it('rejects an id that looks like a raw-bytes key', () => {
    expect(normalizeMessageId('<sha256:0000>')).toBeNull();
  });
});

describe('messageKeyFor', () => {
  const raw = Buffer.from('Subject: x\r\n\r\nbody');

  it('uses the normalised Message-ID', () => {
    expect(messageKeyFor('<Id@EXAMPLE.com>', raw)).toBe('Id@example.com');
  });

  it('falls back to the hash of the bytes', () => {
    const expected = `sha256:${createHash('sha256').update(raw).digest('hex')}`;
    expect(messageKeyFor(null, raw)).toBe(expected);
    expect(messageKeyFor('   ', raw)).toBe(expected);
    expect(rawBytesKey(raw)).toBe(expected);
  });

  it('gives different bytes different keys', () => {
    expect(rawBytesKey(Buffer.from('a'))).not.toBe(rawBytesKey(Buffer.from('b')));
  });
});
