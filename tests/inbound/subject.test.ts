import { extractTicketTag, normalizeSubject, replySubject, ticketTag } from '../../src/inbound/subject.js';

describe('ticketTag', () => {
  it('writes the tag without a prefix', () => {
    expect(ticketTag(12)).toBe('[#12]');
  });

  it('writes the tag with a prefix', () => {
    expect(ticketTag(12, 'LIN')).toBe('[LIN#12]');
  });

  it.each([0, -3, 1.5, Number.NaN])('rejects ticket number %p', (value) => {
    expect(() => ticketTag(value)).toThrow(RangeError);
  });
});

describe('extractTicketTag', () => {
  it.each([
    ['Re: [#12] Drukarka nie drukuje', '', 12],
    ['Drukarka nie drukuje [#1234]', '', 1234],
    ['RE: [LIN#345] VPN disconnects', 'LIN', 345],
    ['RE: [lin#345] VPN disconnects', 'LIN', 345],
    ['RE: [ LIN # 345 ] VPN disconnects', 'LIN', 345],
    ['ODP: [#7] test [#8]', '', 7],
  ])('finds the tag in %p with prefix %p', (subject, prefix, expected) => {
    expect(extractTicketTag(subject, prefix)).toBe(expected);
  });

  it.each([
    ['RE: [LIN#345] VPN disconnects', ''],
    ['Re: [#12] printer', 'LIN'],
    ['Issue #12 again', ''],
    ['Re: [#0] zero', ''],
    ['No tag at all', ''],
    ['', ''],
  ])('finds no tag in %p with prefix %p', (subject, prefix) => {
    expect(extractTicketTag(subject, prefix)).toBeNull();
  });

  it('treats regular expression characters in the prefix literally', () => {
    expect(extractTicketTag('Re: [IT.HD#5] x', 'IT.HD')).toBe(5);
    expect(extractTicketTag('Re: [ITxHD#5] x', 'IT.HD')).toBeNull();
    expect(extractTicketTag('Re: [A+(B)#9] x', 'A+(B)')).toBe(9);
    expect(extractTicketTag('Re: [[x]#4] x', '[x]')).toBe(4);
  });
});

describe('normalizeSubject', () => {
  it.each([
    ['Re: Drukarka', 'Drukarka'],
    ['RE: Drukarka', 'Drukarka'],
    ['re: Drukarka', 'Drukarka'],
    ['RE[2]: Drukarka', 'Drukarka'],
    ['Re(3): Drukarka', 'Drukarka'],
    ['Re:Re: Drukarka', 'Drukarka'],
    ['Re: RE: re: Drukarka', 'Drukarka'],
    ['Fwd: Drukarka', 'Drukarka'],
    ['FW: Drukarka', 'Drukarka'],
    ['Fw : Drukarka', 'Drukarka'],
    ['ODP: Drukarka', 'Drukarka'],
    ['Odp: Drukarka', 'Drukarka'],
    ['PD: Drukarka', 'Drukarka'],
    ['AW: Drukarka', 'Drukarka'],
    ['WG: Drukarka', 'Drukarka'],
    ['SV: Drukarka', 'Drukarka'],
    ['VS: Drukarka', 'Drukarka'],
    ['Re: Fwd: ODP: PD: Drukarka', 'Drukarka'],
    ['Re: [#12] Drukarka', 'Drukarka'],
    ['[#12] Re: Drukarka', 'Drukarka'],
    ['Re: [#12] RE: [#12] Drukarka  na   piętrze', 'Drukarka na piętrze'],
    ['Drukarka [#12]', 'Drukarka'],
    ['Re: Fwd:', ''],
    ['', ''],
  ])('turns %p into %p', (subject, expected) => {
    expect(normalizeSubject(subject)).toBe(expected);
  });

  it('removes only tags of the given prefix', () => {
    expect(normalizeSubject('Re: [LIN#12] VPN', 'LIN')).toBe('VPN');
    expect(normalizeSubject('Re: [LIN#12] VPN', '')).toBe('[LIN#12] VPN');
  });

  it('keeps words that only start like a prefix', () => {
    expect(normalizeSubject('Reset hasła')).toBe('Reset hasła');
    expect(normalizeSubject('Fwdx: test')).toBe('Fwdx: test');
    expect(normalizeSubject('Pdf nie otwiera się')).toBe('Pdf nie otwiera się');
  });
});

describe('replySubject', () => {
  it('builds one Re and one tag', () => {
    expect(replySubject('Drukarka nie drukuje', 12)).toBe('Re: [#12] Drukarka nie drukuje');
  });

  it('does not stack prefixes or tags', () => {
    expect(replySubject('RE: Re: [#12] ODP: [#12] Drukarka nie drukuje', 12)).toBe('Re: [#12] Drukarka nie drukuje');
  });

  it('replaces a tag of another ticket', () => {
    expect(replySubject('Re: [#11] Drukarka', 12)).toBe('Re: [#12] Drukarka');
  });

  it('uses the prefix', () => {
    expect(replySubject('RE: [LIN#345] VPN disconnects every hour', 345, 'LIN')).toBe('Re: [LIN#345] VPN disconnects every hour');
  });

  it('handles an empty subject', () => {
    expect(replySubject('', 5)).toBe('Re: [#5]');
  });
});
