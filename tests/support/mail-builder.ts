/** Builds small RFC 5322 messages for tests; bodies are UTF-8 in quoted-printable. */
export interface TestMail {
  from: string;
  to?: string;
  subject: string;
  body: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  date?: Date;
  headers?: Record<string, string>;
}

let counter = 0;

function encodeWord(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

function quotedPrintable(text: string): string {
  const bytes = Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8');
  let out = '';
  let lineLength = 0;
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i];
    if (byte === 0x0d && bytes[i + 1] === 0x0a) {
      out += '\r\n';
      lineLength = 0;
      i += 1;
      continue;
    }
    const plain = byte >= 0x21 && byte <= 0x7e && byte !== 0x3d;
    const piece = plain || byte === 0x20 ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    if (lineLength + piece.length > 72) {
      out += '=\r\n';
      lineLength = 0;
    }
    out += piece;
    lineLength += piece.length;
  }
  return out;
}

/** Returns a fresh Message-ID for a test message. */
export function newMessageId(): string {
  counter += 1;
  return `test.${process.pid}.${Date.now()}.${counter}@client.example.com`;
}

export function buildMail(mail: TestMail): string {
  const messageId = mail.messageId ?? newMessageId();
  const lines = [
    `From: ${mail.from}`,
    `To: ${mail.to ?? 'Linia IT Support <support@linia.test>'}`,
    `Subject: ${encodeWord(mail.subject)}`,
    `Date: ${(mail.date ?? new Date()).toUTCString()}`,
    `Message-ID: <${messageId}>`,
  ];
  if (mail.inReplyTo) lines.push(`In-Reply-To: <${mail.inReplyTo}>`);
  if (mail.references && mail.references.length > 0) lines.push(`References: ${mail.references.map((id) => `<${id}>`).join(' ')}`);
  for (const [name, value] of Object.entries(mail.headers ?? {})) lines.push(`${name}: ${value}`);
  lines.push('MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: quoted-printable', '');
  return `${lines.join('\r\n')}\r\n${quotedPrintable(mail.body)}\r\n`;
}
