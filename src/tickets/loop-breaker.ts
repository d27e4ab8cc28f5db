import { Counter } from 'prom-client';
import type { Logger } from 'pino';
import { looksLikeAutoReplySubject } from '../inbound/automatic-mail.js';
import { countReplyPrefixes } from '../inbound/subject.js';
import { metricsRegistry } from '../metrics/registry.js';
import { TicketModel, type Ticket } from '../store/ticket.model.js';
import type { LockOwner } from './redis-lock.js';

/**
 * Mail loops with robots that the header rules do not recognise: an address that
 * replies to every message at once, with a subject that grows by one `Re:` each time.
 * Each such auto-reply would open a ticket. The loop breaker counts the messages of
 * each sender that would open a ticket, or that are automatic, and trips when they
 * come in a burst. A tripped sender opens no ticket for an hour; its messages are
 * recorded on its newest ticket, and the trip is logged, counted and recorded
 * there as `loop.detected`.
 */

/** Span over which a sender's tickets are counted, and how long a tripped sender stays flagged after its last message. */
export const LOOP_WINDOW_MS = 60 * 60_000;
/** Tickets a sender may open within LOOP_WINDOW_MS before a burst or a robot-like subject trips the breaker. */
export const MAX_TICKETS_BEFORE_TRIP = 2;
/** Span of a burst. */
const BURST_WINDOW_MS = 60_000;
/** Messages within BURST_WINDOW_MS that count as a burst for mail written like a person's. */
const PERSON_BURST_MESSAGES = 3;
/**
 * Automatic mail within BURST_WINDOW_MS that counts as a loop. Higher than for a
 * person, because one full mailbox bounces every message of a mailing at once,
 * and Linia never replies to automatic mail anyway. A trip here only raises the flag.
 */
const AUTOMATIC_BURST_MESSAGES = 5;
/** Stacked reply prefixes (`Re: Re: Re:`) that mark a subject as written by auto-responders replying to each other. */
const STACKED_PREFIXES = 3;

export type LoopSenderKind = 'person' | 'automatic';

const trips = new Counter({
  name: 'linia_loop_breaker_trips_total',
  help: 'Mail loops detected: a sender whose messages came in a burst was flagged (kind: person-like or automatic mail)',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

export interface LoopVerdict {
  /** True when the sender is flagged: a new-ticket candidate is then held instead of opening a ticket. */
  looping: boolean;
  /** True when this message tripped the breaker, starting a new loop episode. */
  tripped: boolean;
  /** Start of the loop episode in epoch milliseconds, which keys its `loop.detected` event; null when not looping. */
  episode: number | null;
  /** Why the sender is flagged, for logs and the ticket timeline; null when not looping. */
  reason: string | null;
}

export interface LoopCheck {
  address: string;
  messageKey: string;
  subject: string;
  kind: LoopSenderKind;
  /**
   * The message's Date header. Bursts are measured by it, not by processing time,
   * so catching up on a backlog after downtime does not look like a burst.
   */
  sentAt: Date | null;
  now?: Date;
}

/** How far a Date header may lie in the future before it is distrusted and the processing time used instead. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

function arrivalsKey(lock: LockOwner, address: string): string {
  return `${lock.prefix}:loop:arrivals:${address}`;
}

function flagKey(lock: LockOwner, address: string): string {
  return `${lock.prefix}:loop:flag:${address}`;
}

/**
 * Records the message at its send time and returns how many messages of the sender
 * were sent within BURST_WINDOW_MS of it. Messages sent over LOOP_WINDOW_MS ago are
 * pruned at once, so old mail never makes a burst.
 */
async function recordArrival(lock: LockOwner, address: string, messageKey: string, sentAt: number, now: number): Promise<number> {
  const key = arrivalsKey(lock, address);
  // The member is the message key, so a retried job does not count its message twice.
  const results = await lock.connection
    .multi()
    .zadd(key, sentAt, messageKey)
    .zremrangebyscore(key, 0, now - LOOP_WINDOW_MS)
    .pexpire(key, LOOP_WINDOW_MS)
    .zcount(key, sentAt - BURST_WINDOW_MS, sentAt + BURST_WINDOW_MS)
    .exec();
  const burst = results?.[3]?.[1];
  return typeof burst === 'number' ? burst : 0;
}

function trustedSendTime(sentAt: Date | null, now: number): number {
  const time = sentAt?.getTime();
  return time !== undefined && Number.isFinite(time) && time <= now + MAX_CLOCK_SKEW_MS ? time : now;
}

function looksRobotic(subject: string): boolean {
  return looksLikeAutoReplySubject(subject) || countReplyPrefixes(subject) >= STACKED_PREFIXES;
}

/**
 * Returns the tickets the address opened since `since`, newest first. The filter is
 * on the top-level `requesterAddress`, because FerretDB hands that equality to
 * PostgreSQL but decodes every ticket for the nested `requester.address`.
 */
export async function recentTicketsOf(address: string, since: Date): Promise<Ticket[]> {
  return TicketModel.find({ requesterAddress: address.toLowerCase(), createdAt: { $gte: since } })
    .sort({ createdAt: -1 })
    .limit(MAX_TICKETS_BEFORE_TRIP + 1)
    .lean<Ticket[]>();
}

/** Returns the newest ticket the address opened, or null. */
export async function newestTicketOf(address: string): Promise<Ticket | null> {
  return TicketModel.findOne({ requesterAddress: address.toLowerCase() }).sort({ createdAt: -1 }).lean<Ticket>();
}

/**
 * Counts one message of a sender and decides whether the sender is in a loop.
 * A person-like message trips the breaker when the sender already opened
 * MAX_TICKETS_BEFORE_TRIP tickets within the hour and the message comes in a
 * burst or has a robot-like subject. Automatic mail trips it by a burst alone.
 * Callers that open a ticket on a false `looping` must hold the sender's lock
 * around this call and the ticket's creation, or two messages could both pass.
 */
export async function checkSenderLoop(lock: LockOwner, check: LoopCheck, log: Logger): Promise<LoopVerdict> {
  const address = check.address.toLowerCase();
  const now = (check.now ?? new Date()).getTime();
  const burst = await recordArrival(lock, address, check.messageKey, trustedSendTime(check.sentAt, now), now);

  const flag = flagKey(lock, address);
  const existing = await lock.connection.get(flag);
  if (existing !== null) {
    await lock.connection.pexpire(flag, LOOP_WINDOW_MS);
    return { looping: true, tripped: false, episode: Number(existing), reason: `loop breaker: ${address} is flagged as a mail loop` };
  }

  let reason: string | null = null;
  if (check.kind === 'automatic') {
    if (burst >= AUTOMATIC_BURST_MESSAGES) {
      reason = `loop breaker: ${burst} automatic messages from ${address} within ${BURST_WINDOW_MS / 1000} s`;
    }
  } else if (burst >= PERSON_BURST_MESSAGES || looksRobotic(check.subject)) {
    const tickets = await recentTicketsOf(address, new Date(now - LOOP_WINDOW_MS));
    if (tickets.length >= MAX_TICKETS_BEFORE_TRIP) {
      const why = burst >= PERSON_BURST_MESSAGES ? `${burst} messages within ${BURST_WINDOW_MS / 1000} s` : 'a subject written by an auto-responder';
      reason = `loop breaker: ${address} opened ${tickets.length} tickets within ${LOOP_WINDOW_MS / 60_000} min, then sent ${why}`;
    }
  }
  if (reason === null) {
    return { looping: false, tripped: false, episode: null, reason: null };
  }

  const set = await lock.connection.set(flag, String(now), 'PX', LOOP_WINDOW_MS, 'NX');
  if (set !== 'OK') {
    // Another worker flagged the sender between the read and the write: join its episode.
    const episode = Number((await lock.connection.get(flag)) ?? now);
    return { looping: true, tripped: false, episode, reason };
  }
  trips.inc({ kind: check.kind });
  log.warn({ sender: address, messageKey: check.messageKey, kind: check.kind, burst }, reason);
  return { looping: true, tripped: true, episode: now, reason };
}
