import nodemailer, { type Transporter } from 'nodemailer';
import type { EnvConfig } from '../config/index.js';

/** Limits of one SMTP exchange, so a stuck relay fails the job (and it is retried) instead of hanging. */
const CONNECTION_TIMEOUT_MS = 30_000;
const GREETING_TIMEOUT_MS = 30_000;
const SOCKET_TIMEOUT_MS = 60_000;

export interface OutgoingMail {
  from: { address: string; name: string };
  to: { address: string; name?: string }[];
  subject: string;
  text: string;
  html?: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  headers: Record<string, string>;
}

export interface SendReceipt {
  accepted: string[];
  rejected: string[];
  response: string;
  /** The Message-ID the relay reported for the message, or the one Linia set when it reported none. */
  messageId: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<SendReceipt>;
  close(): void;
}

/**
 * Returns the Message-ID a relay names in its reply to DATA, e.g. `250 2.0.0 OK <id@relay.example>`,
 * or null when the reply names none. A relay that rewrites the Message-ID may name the new
 * one here, and the requester's reply then refers to that id.
 * NOTE: a relay that rewrites the id without naming it is not detected. The ticket tag in the
 * subject is then the only thing that threads the reply.
 */
export function serverMessageId(response: string): string | null {
  return /<([^<>\s@]+@[^<>\s@]+)>/.exec(response)?.[1] ?? null;
}

/** Creates the SMTP mailer from the environment (SMTP_HOST, SMTP_PORT, …). */
export function createSmtpMailer(env: EnvConfig): Mailer {
  const transporter: Transporter = nodemailer.createTransport({
    host: env.SMTP_HOST,
    port: env.SMTP_PORT,
    secure: env.SMTP_SECURE,
    requireTLS: env.SMTP_REQUIRE_TLS,
    auth: env.SMTP_USER ? { user: env.SMTP_USER, pass: env.SMTP_PASSWORD } : undefined,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
  });
  return {
    async send(mail) {
      const info = await transporter.sendMail({
        from: mail.from,
        to: mail.to.map((recipient) => ({ address: recipient.address, name: recipient.name ?? '' })),
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: `<${mail.messageId}>`,
        inReplyTo: mail.inReplyTo ? `<${mail.inReplyTo}>` : undefined,
        references: mail.references?.map((id) => `<${id}>`),
        headers: mail.headers,
      });
      return {
        accepted: (info.accepted ?? []).map(String),
        rejected: (info.rejected ?? []).map(String),
        response: String(info.response ?? ''),
        messageId: serverMessageId(String(info.response ?? '')) ?? String(info.messageId ?? '').replace(/^<|>$/g, ''),
      };
    },
    close() {
      transporter.close();
    },
  };
}
