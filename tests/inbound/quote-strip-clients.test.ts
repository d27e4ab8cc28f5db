import { setLogLevel } from '../../src/logging/logger.js';
import { parseMail, type ParsedMail } from '../../src/inbound/parse-mail.js';
import { extractNewText } from '../../src/inbound/quote-strip.js';
import { rawMail } from './support/fixtures.js';

/**
 * Replies as Polish and English mail clients write them, parsed whole: the new text must
 * lose the quoted history, and the full text must keep all of it for the ticket.
 */

async function parseReply(body: string, contentType = 'text/plain; charset=utf-8'): Promise<ParsedMail> {
  const raw = rawMail(['From: Zofia <zofia@firma.example>', 'Subject: Re: [#12] Drukarka', `Content-Type: ${contentType}`, 'Content-Transfer-Encoding: 8bit'], body);
  const result = await parseMail(raw, { maxBytes: 1024 * 1024, timeoutMs: 5000 });
  if (!result.ok) {
    throw new Error(`expected the reply to parse, got: ${result.reason}`);
  }
  return result.mail;
}

const CASES: Array<[string, string[], string]> = [
  [
    'Thunderbird "W dniu … pisze:"',
    ['Nadal nie drukuje, źródło błędu bez zmian.', '', 'W dniu 4.03.2024 o 10:15, Linia Helpdesk pisze:', '> Proszę sprawdzić papier.', '>', '> Pozdrawiamy'],
    'Nadal nie drukuje, źródło błędu bez zmian.',
  ],
  [
    'Thunderbird "W dniu … pisze:" wrapped after the address',
    ['Już działa, dziękuję.', '', 'W dniu 4.03.2024 o 10:15, Linia Helpdesk <helpdesk@firma.example>', 'pisze:', '> Proszę sprawdzić papier.'],
    'Już działa, dziękuję.',
  ],
  [
    'Outlook "Od: … Wysłano:" block',
    ['Dzień dobry,', 'proszę o zdalne połączenie – ąśź.', '', 'Od: Linia Helpdesk <helpdesk@firma.example>', 'Wysłano: poniedziałek, 4 marca 2024 10:15', 'Do: Zofia <zofia@firma.example>', 'Temat: [#12] Drukarka', '', 'Proszę sprawdzić papier.'],
    'Dzień dobry,\nproszę o zdalne połączenie – ąśź.',
  ],
  [
    'Outlook mobile "Od: … Wysłane:" block',
    ['Dalej to samo.', '', 'Od: Linia Helpdesk <helpdesk@firma.example>', 'Wysłane: poniedziałek, 4 marca 2024 10:15', 'Do: Zofia', 'Temat: Drukarka', '', 'stara treść'],
    'Dalej to samo.',
  ],
  [
    'Gmail "On … wrote:"',
    ['Still broken after the update.', '', 'On Mon, Mar 4, 2024 at 10:15 AM IT Support <support@example.com> wrote:', '', '> Please update the driver.', '> > Earlier question'],
    'Still broken after the update.',
  ],
  [
    'Apple Mail "On … at …, … wrote:"',
    ['Fixed, thanks!', '', 'On 4 Mar 2024, at 10:15, IT Support <support@example.com> wrote:', '', '> Restart the router.'],
    'Fixed, thanks!',
  ],
  [
    'Outlook "-----Original Message-----"',
    ['The share is still read-only.', '', '-----Original Message-----', 'From: IT Support', 'Sent: Monday, March 4, 2024 10:15 AM', 'Subject: [#12] Share', '', 'Please try again.'],
    'The share is still read-only.',
  ],
  [
    'Outlook "From: … Sent:" block under a rule',
    ['The VPN still drops.', '', '________________________________', 'From: IT Support <support@example.com>', 'Sent: Monday, March 4, 2024 4:20 PM', 'To: Mark <mark@example.com>', 'Subject: VPN', '', 'Please update.'],
    'The VPN still drops.',
  ],
  [
    '">" quoting with answers in between',
    ['> Który model drukarki?', 'HP LaserJet 400.', '> Które piętro?', 'Drugie, pokój źródłowy 215.'],
    'HP LaserJet 400.\nDrugie, pokój źródłowy 215.',
  ],
  [
    'a reply written below the attribution',
    ['On Mon, Mar 4, 2024 at 10:15 AM IT Support <support@example.com> wrote:', '> Did you restart it?', 'Yes, twice.', '> Which floor?', 'Second.'],
    'Yes, twice.\nSecond.',
  ],
];

describe('quote stripping of client replies', () => {
  beforeAll(() => {
    setLogLevel('silent');
  });

  afterAll(() => {
    setLogLevel('info');
  });

  it.each(CASES)('strips %s and keeps the full text', async (_client, lines, expected) => {
    const body = lines.join('\r\n');
    const mail = await parseReply(body);
    expect(mail.text).toBe(expected);
    expect(mail.fullText).toBe(lines.join('\n').trim());
  });

  it('strips an Outlook HTML reply with a bold Od/Wysłano block', async () => {
    const html = [
      '<html><body><div>Nadal nie działa drukarka na piętrze 2.</div>',
      '<div><br></div>',
      '<div style="border-top:solid #E1E1E1 1.0pt"><p><b>Od:</b> Linia Helpdesk &lt;helpdesk@firma.example&gt;<br>',
      '<b>Wysłano:</b> poniedziałek, 4 marca 2024 10:15<br><b>Do:</b> Zofia<br><b>Temat:</b> [#12] Drukarka</p></div>',
      '<p>Proszę sprawdzić papier.</p></body></html>',
    ].join('');
    const mail = await parseReply(html, 'text/html; charset=utf-8');
    expect(mail.text).toBe('Nadal nie działa drukarka na piętrze 2.');
    expect(mail.fullText).toContain('Wysłano: poniedziałek, 4 marca 2024 10:15');
    expect(mail.fullText).toContain('Proszę sprawdzić papier.');
  });

  it('strips a Gmail HTML reply with a blockquote', async () => {
    const html =
      '<div dir="ltr">It works now.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, Mar 4, 2024 at 10:15 AM IT Support &lt;support@example.com&gt; wrote:<br></div><blockquote class="gmail_quote">Please restart.</blockquote></div>';
    const mail = await parseReply(html, 'text/html; charset=utf-8');
    expect(mail.text).toBe('It works now.');
    expect(mail.fullText).toContain('> Please restart.');
  });

  it('keeps a bottom reply empty when it only quotes', () => {
    expect(extractNewText('W dniu 4.03.2024 o 10:15, Jan pisze:\n> tekst\n> więcej')).toBe('');
  });
});
