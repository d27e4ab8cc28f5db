import nodemailer, { type Transporter } from 'nodemailer';
import { startSmtpSink, type SmtpSink } from '../../src/devtools/smtp-sink.js';

/** A message with a UTF-8 body, a line that SMTP must dot-stuff, and CRLF line ends. */
const RAW_MESSAGE = Buffer.from(
  [
    'From: Linia <linia@linia.test>',
    'To: jan.kowalski@linia.test',
    'Subject: =?UTF-8?Q?Zg=C5=82oszenie_przyj=C4=99te?=',
    'Message-ID: <sink-test-1@linia.test>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Dzień dobry, zgłoszenie zostało przyjęte.',
    '.linia zaczyna się od kropki',
    '',
  ].join('\r\n'),
  'utf8',
);

describe('SmtpSink', () => {
  let sink: SmtpSink;

  beforeEach(async () => {
    sink = await startSmtpSink();
  });

  afterEach(async () => {
    await sink.close();
  });

  function transport(): Transporter {
    return nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true });
  }

  it('stores the message byte for byte', async () => {
    const info = await transport().sendMail({
      envelope: { from: 'linia@linia.test', to: ['jan.kowalski@linia.test'] },
      raw: RAW_MESSAGE,
    });

    const [message] = sink.messages();
    expect(message?.raw.equals(RAW_MESSAGE)).toBe(true);
    expect(message?.envelope).toEqual({ from: 'linia@linia.test', to: ['jan.kowalski@linia.test'] });
    expect(info.response).toBe(`250 OK: queued as ${message?.queueId}`);
    expect(message?.queueId).toMatch(/^[0-9A-F]{12}$/);
  });

  it('resolves waitFor when a matching message arrives', async () => {
    const waiting = sink.waitFor((message) => message.envelope.to.includes('anna@linia.test'));

    await transport().sendMail({ from: 'linia@linia.test', to: 'jan@linia.test', subject: 'Pierwsza', text: 'a' });
    await transport().sendMail({ from: 'linia@linia.test', to: 'anna@linia.test', subject: 'Druga', text: 'b' });

    const message = await waiting;
    expect(message.raw.toString('utf8')).toContain('Subject: Druga');
  });

  it('rejects waitFor after the timeout', async () => {
    await expect(sink.waitFor(() => true, 50)).rejects.toThrow('No matching message reached the SMTP sink within 50 ms');
  });

  it('answers 451 once and then accepts', async () => {
    sink.failNext(451, '4.3.0 Temporary local problem, try again', 1);
    const mail = { from: 'linia@linia.test', to: 'jan@linia.test', subject: 'Ponowienie', text: 'treść' };

    await expect(transport().sendMail(mail)).rejects.toMatchObject({ responseCode: 451 });
    expect(sink.messages()).toHaveLength(0);

    const info = await transport().sendMail(mail);
    expect(info.response).toMatch(/^250 /);
    expect(sink.messages()).toHaveLength(1);
  });

  it('rejects a recipient with 550 and keeps the others', async () => {
    sink.rejectRecipient('Gone@Linia.test', 550);

    const info = await transport().sendMail({
      from: 'linia@linia.test',
      to: ['jan@linia.test', 'gone@linia.test'],
      subject: 'Dwóch odbiorców',
      text: 'treść',
    });

    expect(info.accepted).toEqual(['jan@linia.test']);
    expect(info.rejected).toEqual(['gone@linia.test']);
    expect(sink.messages()[0]?.envelope.to).toEqual(['jan@linia.test']);
  });

  it('fails the send when the only recipient is rejected', async () => {
    sink.rejectRecipient('gone@linia.test', 550);

    await expect(
      transport().sendMail({ from: 'linia@linia.test', to: 'gone@linia.test', subject: 'x', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 550 });
    expect(sink.messages()).toHaveLength(0);
  });

  it('accepts a recipient again after resetFaults', async () => {
    sink.rejectRecipient('gone@linia.test', 450);
    sink.resetFaults();

    await transport().sendMail({ from: 'linia@linia.test', to: 'gone@linia.test', subject: 'x', text: 'x' });

    expect(sink.messages()).toHaveLength(1);
  });

  it('rejects a message over maxBytes with 552', async () => {
    const small = await startSmtpSink({ maxBytes: 1024 });
    try {
      const client = nodemailer.createTransport({ host: '127.0.0.1', port: small.port, secure: false, ignoreTLS: true });

      await expect(
        client.sendMail({ from: 'linia@linia.test', to: 'jan@linia.test', subject: 'Duży', text: 'x'.repeat(4096) }),
      ).rejects.toMatchObject({ responseCode: 552 });
      expect(small.messages()).toHaveLength(0);
    } finally {
      await small.close();
    }
  });

  it('clears stored messages', async () => {
    await transport().sendMail({ from: 'linia@linia.test', to: 'jan@linia.test', subject: 'x', text: 'x' });

    sink.clear();

    expect(sink.messages()).toHaveLength(0);
  });

  it('rejects a failure code outside 400-599', () => {
    expect(() => sink.failNext(250)).toThrow(RangeError);
    expect(() => sink.rejectRecipient('a@linia.test', 200)).toThrow(RangeError);
  });
});
