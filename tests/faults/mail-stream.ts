/**
 * The seeded stream of mail the fault suite sends: new requests in Polish and
 * English, replies to earlier requests, automatic mail, and requests from
 * addresses the SMTP server rejects with 550.
 */

/** Mulberry32: a small seeded PRNG, so a failing run can be repeated with its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type StreamKind = 'new' | 'reply' | 'automatic' | 'rejected-requester';

export interface StreamMessage {
  index: number;
  kind: StreamKind;
  messageId: string;
  from: string;
  /** For a reply: the Message-ID of the request it answers. */
  parentMessageId: string | null;
  raw: string;
}

const REQUESTS = [
  { language: 'en', subject: 'I forgot my password', body: 'I cannot log in since this morning, I forgot my password. How do I reset it?' },
  { language: 'en', subject: 'Printer on floor 2 is not printing', body: 'The printer shows my job in the queue but nothing comes out.' },
  { language: 'en', subject: 'New chair request', body: 'My office chair is broken, could I get a new one?' },
  { language: 'pl', subject: 'Zapomniałem hasła do konta', body: 'Nie mogę się zalogować, zapomniałem hasła. Jak je zresetować?' },
  { language: 'pl', subject: 'Drukarka nie drukuje', body: 'Drukarka na drugim piętrze przyjmuje zadanie, ale nic nie wychodzi.' },
  { language: 'pl', subject: 'Prośba o nowe biurko', body: 'Moje biurko jest za niskie, czy mogę dostać regulowane?' },
] as const;

function encodeSubject(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`;
}

function mail(headers: Record<string, string>, body: string): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return [...lines, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: 8bit', '', body, ''].join('\r\n');
}

/** Domain whose recipients the SMTP server rejects with 550 during the run. */
export const REJECTED_DOMAIN = 'gone.example.test';

export function buildStream(seed: number, count: number, runId: string): StreamMessage[] {
  const random = seededRandom(seed);
  const messages: StreamMessage[] = [];
  const requests: StreamMessage[] = [];
  for (let index = 0; index < count; index++) {
    const roll = random();
    const kind: StreamKind = roll < 0.6 || requests.length === 0 ? 'new' : roll < 0.8 ? 'reply' : roll < 0.93 ? 'automatic' : 'rejected-requester';
    const messageId = `<fault.${runId}.${index}@example.test>`;
    const date = new Date(Date.UTC(2026, 11, 4, 9, 0, index)).toUTCString();
    const request = REQUESTS[Math.floor(random() * REQUESTS.length)] as (typeof REQUESTS)[number];
    if (kind === 'new' || kind === 'rejected-requester') {
      const domain = kind === 'new' ? 'example.test' : REJECTED_DOMAIN;
      const from = `user${index}@${domain}`;
      const raw = mail(
        { From: `User ${index} <${from}>`, To: 'support@linia.test', Subject: encodeSubject(request.subject), 'Message-ID': messageId, Date: date },
        `${request.body}\r\n\r\n(${index})`,
      );
      const message = { index, kind, messageId, from, parentMessageId: null, raw };
      requests.push(message);
      messages.push(message);
    } else if (kind === 'reply') {
      const parent = requests[Math.floor(random() * requests.length)] as StreamMessage;
      const body = request.language === 'pl' ? 'Nadal nie działa, proszę o pomoc.' : 'It still does not work, please help.';
      const raw = mail(
        {
          From: parent.from,
          To: 'support@linia.test',
          Subject: 'Re: follow-up',
          'Message-ID': messageId,
          'In-Reply-To': parent.messageId,
          References: parent.messageId,
          Date: date,
        },
        `${body}\r\n\r\n(${index})`,
      );
      messages.push({ index, kind, messageId, from: parent.from, parentMessageId: parent.messageId, raw });
    } else {
      const from = `robot${index}@example.test`;
      const raw = mail(
        { From: from, To: 'support@linia.test', Subject: 'Out of office', 'Auto-Submitted': 'auto-replied', 'Message-ID': messageId, Date: date },
        'I am away until Monday.',
      );
      messages.push({ index, kind, messageId, from, parentMessageId: null, raw });
    }
  }
  return messages;
}
