import { createHash } from 'node:crypto';

/** BullMQ rejects custom job ids that contain `:` or are integers, so ids join parts with `-`. */
function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}

export function inboundJobId(rawMessageId: string): string {
  return `mail-${rawMessageId}`;
}

export function outboundJobId(messageKey: string): string {
  return `out-${shortHash(messageKey)}`;
}

/** Includes the plan version, so a re-planned ticket never reuses a completed job's id. */
export function escalationJobId(ticketId: string, line: string, planVersion: number): string {
  return `esc-${ticketId}-${line}-v${planVersion}`;
}
