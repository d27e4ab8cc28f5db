import { htmlToPlainText, MAX_HTML_CHARS } from '../../src/inbound/html-to-text.js';

describe('htmlToPlainText', () => {
  it('keeps long lines whole', () => {
    const sentence = 'Drukarka na drugim piętrze pokazuje komunikat o braku papieru, chociaż w podajniku jest pełna ryza papieru.';
    expect(htmlToPlainText(`<p>${sentence}</p>`)).toBe(sentence);
  });

  it('renders blockquotes as > lines', () => {
    const html = '<div>It works.</div><blockquote>Please restart.<br>IT</blockquote>';
    expect(htmlToPlainText(html)).toBe('It works.\n\n> Please restart.\n> IT');
  });

  it('leaves out images, styles and scripts', () => {
    const html = '<style>p{color:red}</style><p>Tekst<img src="cid:logo" alt="Logo"></p><script>alert(1)</script>';
    expect(htmlToPlainText(html)).toBe('Tekst');
  });

  it('keeps link targets that differ from the text', () => {
    const html = '<p><a href="https://intranet.example.com/vpn">instrukcja</a>, <a href="https://a.example">https://a.example</a>, <a href="mailto:it@example.com">it@example.com</a></p>';
    expect(htmlToPlainText(html)).toBe('instrukcja [https://intranet.example.com/vpn], https://a.example, it@example.com');
  });

  it('keeps headings in their case', () => {
    expect(htmlToPlainText('<h1>Zgłoszenie</h1><p>Treść</p>')).toBe('Zgłoszenie\n\nTreść');
  });

  it('puts table rows on lines', () => {
    expect(htmlToPlainText('<table><tr><th>Pole</th><td>Wartość</td></tr><tr><td>a</td><td>b</td></tr></table>')).toBe('Pole Wartość\n\na b');
  });

  it('decodes entities', () => {
    expect(htmlToPlainText('<p>Jan &lt;jan@example.pl&gt; &amp; Anna&nbsp;Nowak</p>')).toBe('Jan <jan@example.pl> & Anna\u00a0Nowak');
  });

  it('cuts HTML over the limit', () => {
    const html = `<p>${'a'.repeat(MAX_HTML_CHARS)}</p><p>tail</p>`;
    const text = htmlToPlainText(html);
    expect(text).not.toContain('tail');
    expect(text.length).toBeLessThanOrEqual(MAX_HTML_CHARS);
  });
});
