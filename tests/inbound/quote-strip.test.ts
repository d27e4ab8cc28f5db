import { extractNewText } from '../../src/inbound/quote-strip.js';

function lines(...parts: string[]): string {
  return parts.join('\n');
}

describe('extractNewText', () => {
  describe('when the reply quotes with >', () => {
    it('removes quoted lines above and below', () => {
      const text = lines('> Did you restart it?', '', 'Yes, twice.', '', '> Thanks', '> IT');
      expect(extractNewText(text)).toBe('Yes, twice.');
    });

    it('keeps answers between quoted blocks', () => {
      const text = lines('> Which floor?', 'Second.', '> Which printer?', 'HP 400.');
      expect(extractNewText(text)).toBe('Second.\nHP 400.');
    });
  });

  describe('when the reply has an attribution line', () => {
    it('cuts at English "On … wrote:"', () => {
      const text = lines('It works now.', '', 'On Mon, 4 Mar 2024 at 10:15, IT Support <support@example.com> wrote:', '> Please restart.');
      expect(extractNewText(text)).toBe('It works now.');
    });

    it('cuts at an attribution wrapped over two lines', () => {
      const text = lines('It works now.', '', 'On Mon, Mar 4, 2024 at 10:15 AM IT Support <', 'support@example.com> wrote:', '', '> Please restart.');
      expect(extractNewText(text)).toBe('It works now.');
    });

    it('keeps the line above a wrapped attribution', () => {
      const text = lines('Call me at 555 1234.', 'On Mon, Mar 4, 2024 at 10:15 AM IT Support <', 'support@example.com> wrote:', '> Please restart.');
      expect(extractNewText(text)).toBe('Call me at 555 1234.');
    });

    it('cuts at Polish "W dniu … pisze:"', () => {
      const text = lines('Nadal nie działa.', '', 'W dniu 04.03.2024 o 10:15, Linia Helpdesk pisze:', '> Proszę zrestartować.');
      expect(extractNewText(text)).toBe('Nadal nie działa.');
    });

    it('cuts at Polish Gmail "… napisał(a):"', () => {
      const text = lines('Już działa.', '', 'pon., 4 mar 2024 o 10:15 Linia Helpdesk <helpdesk@firma.example> napisał(a):', '', '> Proszę zrestartować.');
      expect(extractNewText(text)).toBe('Już działa.');
    });

    it('cuts at "Dnia … napisał:" written without diacritics', () => {
      const text = lines('Juz dziala.', 'Dnia 4 marca 2024 Jan Kowalski napisal:', 'stary tekst');
      expect(extractNewText(text)).toBe('Juz dziala.');
    });

    it('keeps an ordinary sentence ending with a colon', () => {
      const text = lines('My manager wrote:', 'the printer should be replaced.');
      expect(extractNewText(text)).toBe('My manager wrote:\nthe printer should be replaced.');
    });
  });

  describe('when the reply has a separator', () => {
    it('cuts at -----Original Message-----', () => {
      const text = lines('Still broken.', '', '-----Original Message-----', 'From: IT', 'Please restart.');
      expect(extractNewText(text)).toBe('Still broken.');
    });

    it('cuts at -----Wiadomość oryginalna-----', () => {
      const text = lines('Nadal nie działa.', '-----Wiadomość oryginalna-----', 'Od: IT', 'Proszę zrestartować.');
      expect(extractNewText(text)).toBe('Nadal nie działa.');
    });

    it('cuts at ----- Original Message ----- with spaces', () => {
      const text = lines('Still broken.', '----- Original Message -----', 'old');
      expect(extractNewText(text)).toBe('Still broken.');
    });

    it('cuts at a forwarded message separator', () => {
      const text = lines('Please look at this error.', '', '---------- Forwarded message ---------', 'From: App <app@example.com>', 'Error 500');
      expect(extractNewText(text)).toBe('Please look at this error.');
    });
  });

  describe('when the reply has an Outlook header block', () => {
    it('cuts at From/Sent/To/Subject and the rule above it', () => {
      const text = lines(
        'The VPN still drops.',
        '',
        '________________________________',
        'From: IT Support <support@example.com>',
        'Sent: Monday, March 4, 2024 4:20 PM',
        'To: Mark Evans <mark@example.com>',
        'Subject: [#345] VPN',
        '',
        'Please update the client.',
      );
      expect(extractNewText(text)).toBe('The VPN still drops.');
    });

    it('cuts at Polish Od/Wysłano/Do/Temat', () => {
      const text = lines(
        'Nadal nie działa.',
        '',
        'Od: Linia Helpdesk <helpdesk@firma.example>',
        'Wysłano: poniedziałek, 4 marca 2024 10:15',
        'Do: Zofia Wiśniewska <zofia@firma.example>',
        'Temat: [#12] Drukarka',
        '',
        'Proszę sprawdzić papier.',
      );
      expect(extractNewText(text)).toBe('Nadal nie działa.');
    });

    it('cuts at Polish Od/Data/Do/Temat without diacritics', () => {
      const text = lines('Nadal nie dziala.', 'Od: IT', 'Data: 4 marca 2024', 'Do: Zofia', 'Temat: Drukarka', 'stare');
      expect(extractNewText(text)).toBe('Nadal nie dziala.');
    });

    it('keeps a lone "From:" line in the text', () => {
      const text = lines('From: the second floor', 'the printer is jammed.');
      expect(extractNewText(text)).toBe('From: the second floor\nthe printer is jammed.');
    });
  });

  describe('when the message has a signature', () => {
    it('cuts at "-- "', () => {
      expect(extractNewText(lines('Thanks!', '-- ', 'Mark Evans', 'Finance'))).toBe('Thanks!');
    });

    it('cuts at "--" without the trailing space', () => {
      expect(extractNewText(lines('Dzięki!', '--', 'Zofia'))).toBe('Dzięki!');
    });

    it('drops a trailing "Sent from my iPhone"', () => {
      expect(extractNewText(lines('It works.', '', 'Sent from my iPhone'))).toBe('It works.');
    });

    it('drops a trailing "Wysłane z iPhone\'a"', () => {
      expect(extractNewText(lines('Działa.', '', "Wysłane z iPhone'a"))).toBe('Działa.');
    });

    it('keeps dashes inside text', () => {
      expect(extractNewText(lines('Step 1 -- restart', 'Step 2 -- log in'))).toBe('Step 1 -- restart\nStep 2 -- log in');
    });
  });

  it('returns an empty string for a message that is only a quote', () => {
    expect(extractNewText(lines('On Mon, 4 Mar 2024, IT <it@example.com> wrote:', '> text'))).toBe('');
  });

  it('normalises CRLF line endings', () => {
    expect(extractNewText('Line one\r\nLine two\r\n> quoted\r\n')).toBe('Line one\nLine two');
  });
});
