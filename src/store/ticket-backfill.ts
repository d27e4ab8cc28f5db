import type { AnyBulkWriteOperation } from 'mongoose';
import type { Logger } from 'pino';
import { StoreStateModel } from './store-state.model.js';
import { derivedTicketFields, TicketModel, type Ticket } from './ticket.model.js';

/** Name of the backfill in `store_state`. A new version of the derived fields needs a new name. */
export const TICKET_QUERY_FIELDS_BACKFILL = 'backfill:ticket-query-fields:1';

/** Tickets read from the store per batch of the cursor. */
const READ_BATCH = 500;

/**
 * Updates per bulk write. FerretDB 1.24 keeps one PostgreSQL connection for each
 * statement of an update command until the whole command ends
 * (`internal/handler/msg_update.go`). Its pool has 50 connections, so a bulk write
 * of 50 updates or more waits for itself and blocks every client of the server.
 */
const WRITE_BATCH = 10;

type StoredTicket = Pick<Ticket, '_id' | 'status' | 'requester' | 'requesterAddress' | 'requesterSlackUserId' | 'open'>;

function needsUpdate(ticket: StoredTicket, derived: ReturnType<typeof derivedTicketFields>): boolean {
  return (
    ticket.requesterAddress !== derived.requesterAddress ||
    ticket.requesterSlackUserId !== derived.requesterSlackUserId ||
    ticket.open !== derived.open
  );
}

/**
 * Sets the derived query fields (`requesterAddress`, `requesterSlackUserId`,
 * `open`) on tickets stored before they existed, or stored without them. Reads
 * every ticket once through a cursor and writes only the tickets whose fields are
 * missing or wrong, in bulk writes of WRITE_BATCH. Each update names the status
 * and requester it was derived from, so a ticket changed in the meantime is
 * skipped. Records its name in `store_state` when done, so later start-ups skip
 * the scan. Returns the number of tickets updated.
 * NOTE: on FerretDB 1.24 without the pushdown indexes (`FERRETDB_POSTGRESQL_URL`),
 * each update by `_id` makes PostgreSQL scan the whole collection, so backfilling a
 * large store takes about one such scan per ticket. On MongoDB each update uses the
 * `_id` index.
 */
export async function backfillTicketQueryFields(log: Logger): Promise<number> {
  if (await StoreStateModel.exists({ _id: TICKET_QUERY_FIELDS_BACKFILL })) {
    return 0;
  }
  const started = Date.now();
  log.info({ backfill: TICKET_QUERY_FIELDS_BACKFILL }, 'backfilling ticket query fields');
  let scanned = 0;
  let updated = 0;
  let batch: AnyBulkWriteOperation[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const result = await TicketModel.bulkWrite(batch, { ordered: false });
    updated += result.modifiedCount;
    batch = [];
  };

  const cursor = TicketModel.find({}, { status: 1, requester: 1, requesterAddress: 1, requesterSlackUserId: 1, open: 1 })
    .lean<StoredTicket[]>()
    .cursor({ batchSize: READ_BATCH });
  for await (const ticket of cursor) {
    scanned++;
    const derived = derivedTicketFields(ticket);
    if (!needsUpdate(ticket, derived)) continue;
    batch.push({
      updateOne: {
        filter: {
          _id: ticket._id,
          status: ticket.status,
          'requester.address': ticket.requester?.address ?? null,
          'requester.slackUserId': ticket.requester?.slackUserId ?? null,
        },
        update: { $set: derived },
      },
    });
    if (batch.length >= WRITE_BATCH) await flush();
  }
  await flush();

  try {
    await StoreStateModel.create({ _id: TICKET_QUERY_FIELDS_BACKFILL, finishedAt: new Date(), updated });
  } catch (error) {
    // The insert clashed because another process finished the same backfill at the same time.
    if (!(await StoreStateModel.exists({ _id: TICKET_QUERY_FIELDS_BACKFILL }))) throw error;
  }
  log.info({ backfill: TICKET_QUERY_FIELDS_BACKFILL, scanned, updated, ms: Date.now() - started }, 'ticket query fields backfilled');
  return updated;
}
