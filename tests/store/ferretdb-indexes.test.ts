/**
 * The GIN indexes that Linia adds beside FerretDB's own, against the FerretDB and
 * PostgreSQL of `npm run services`: PostgreSQL must read them for the filters
 * FerretDB hands over, the results must not change, and several processes may
 * add them at once.
 */
import mongoose, { Types } from 'mongoose';
import pg from 'pg';
import pino from 'pino';
import { loadConfig } from '../../src/config/load-config.js';
import { openRuntime } from '../../src/runtime/runtime.js';
import { connectStore, disconnectStore } from '../../src/store/connection.js';
import { addFerretDbPushdownIndexes, plannedPushdownIndexes } from '../../src/store/ferretdb-indexes.js';
import { MessageModel } from '../../src/store/message.model.js';
import { TicketModel } from '../../src/store/ticket.model.js';
import { requireServers, testServers, uniqueName } from '../support/servers.js';

const silent = pino({ level: 'silent' });

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** Node types and index names of FerretDB's explain of a `find`, from the top of the plan down. */
async function planOf(collection: string, filter: Record<string, unknown>): Promise<string[]> {
  const result = await mongoose.connection.db!.command({ explain: { find: collection, filter } });
  const nodes: string[] = [];
  const walk = (node: PlanNode): void => {
    nodes.push(node['Index Name'] ? `${node['Node Type']} ${node['Index Name']}` : node['Node Type']);
    node.Plans?.forEach(walk);
  };
  walk(result.queryPlanner.Plan as PlanNode);
  return nodes;
}

function postgresUrl(): string {
  const url = testServers().ferretdbPostgresUrl;
  if (!url) {
    throw new Error('FERRETDB_POSTGRESQL_URL is not set and .linia/services/env has none: run "npm run services" first');
  }
  return url;
}

async function seedTickets(count: number): Promise<void> {
  const tickets = Array.from({ length: count }, (_, index) => ({
    number: index + 1,
    originKey: `seed-${index}@example.test`,
    channel: 'email',
    subject: `Seeded ticket ${index}`,
    language: 'en',
    status: index % 3 === 0 ? 'new' : 'resolved',
    requester: { address: `user${index % 50}@example.test`, name: null, slackUserId: null },
  }));
  await TicketModel.insertMany(tickets);
}

describe('FerretDB pushdown indexes', () => {
  let database: string;
  let url: string;

  beforeAll(async () => {
    await requireServers('mongodb');
    url = postgresUrl();
  });

  beforeEach(async () => {
    database = uniqueName('gin');
    await connectStore(`${testServers().mongoBaseUri}/${database}`);
  });

  afterEach(async () => {
    await mongoose.connection.dropDatabase();
    await disconnectStore();
  });

  it('makes PostgreSQL read an index', async () => {
    await seedTickets(300);
    const filter = { requesterAddress: 'user7@example.test' };
    expect(await planOf('tickets', filter)).toContain('Seq Scan');
    const before = await TicketModel.find(filter).sort({ number: 1 }).lean();

    const created = await addFerretDbPushdownIndexes(url, database, silent);

    const index = created.find((entry) => entry.field === 'requesterAddress' && entry.table.startsWith('tickets'));
    expect(index).toBeDefined();
    const plan = await planOf('tickets', filter);
    expect(plan).not.toContain('Seq Scan');
    expect(plan).toContain(`Bitmap Index Scan ${index!.name}`);
    const after = await TicketModel.find(filter).sort({ number: 1 }).lean();
    expect(after.map((ticket) => ticket.number)).toEqual(before.map((ticket) => ticket.number));
    expect(after).toHaveLength(6);
  });

  it('keeps reading the index as tables grow', async () => {
    await seedTickets(5);
    const created = await addFerretDbPushdownIndexes(url, database, silent);
    const index = created.find((entry) => entry.field === 'requesterAddress' && entry.table.startsWith('tickets'))!;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const scans = async (): Promise<number> => {
      const result = await client.query<{ idx_scan: string }>('SELECT idx_scan FROM pg_stat_user_indexes WHERE schemaname = $1 AND indexrelname = $2', [database, index.name]);
      return Number(result.rows[0]?.idx_scan ?? 0);
    };
    try {
      // FerretDB caches each statement. While the table is small, PostgreSQL may switch
      // it to a generic plan after five executions, and that plan cannot use the index.
      for (let round = 0; round < 60; round++) {
        await TicketModel.find({ requesterAddress: `user${round}@example.test` }).lean();
      }
      await TicketModel.deleteMany({});
      await seedTickets(2000);
      const before = await scans();
      for (let round = 0; round < 40; round++) {
        await TicketModel.find({ requesterAddress: `user${round}@example.test` }).lean();
      }
      // PostgreSQL publishes the counts of an idle session within about 10 s.
      let after = await scans();
      for (let wait = 0; wait < 100 && after - before < 40; wait++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        after = await scans();
      }
      if (after - before < 40) {
        throw new Error(
          `PostgreSQL read the index for ${after - before} of 40 queries: start FerretDB with ?plan_cache_mode=force_custom_plan on its PostgreSQL URL (npm run services does)`,
        );
      }
      expect(after - before).toBeGreaterThanOrEqual(40);
    } finally {
      await client.end();
    }
  });

  it('covers every field of compound indexes', async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const planned = await plannedPushdownIndexes(client, database);
      const fieldsOf = (prefix: string) =>
        planned
          .filter((entry) => entry.table.startsWith(prefix))
          .map((entry) => entry.field)
          .sort();
      // `{ channel: 1, key: 1 }`, `{ messageId: 1 }`, `{ serverMessageIds: 1 }`, `{ ticketId: 1, createdAt: 1 }` and `_id`.
      expect(fieldsOf('messages_')).toEqual(['_id', 'channel', 'createdAt', 'key', 'messageId', 'serverMessageIds', 'ticketId']);
      // Nested paths such as `due.l2At` are not handed over by `find`, so they get no index.
      expect(fieldsOf('tickets_')).not.toContain('due.l2At');
      expect(fieldsOf('tickets_')).toEqual(expect.arrayContaining(['_id', 'number', 'open', 'originKey', 'requesterAddress', 'requesterSlackUserId']));
    } finally {
      await client.end();
    }
  });

  it('finds array members through the index', async () => {
    const ticketId = new Types.ObjectId();
    // Enough messages that PostgreSQL prefers the index to reading the table.
    await MessageModel.insertMany(
      Array.from({ length: 300 }, (_, index) => ({
        channel: 'email',
        key: `out-${index}@linia.test`,
        direction: 'out',
        ticketId: index === 7 ? ticketId : new Types.ObjectId(),
        messageId: `<out-${index}@linia.test>`,
        serverMessageIds: [`relay-${index}a@relay.test`, `relay-${index}b@relay.test`],
      })),
    );
    await addFerretDbPushdownIndexes(url, database, silent);

    const filter = { serverMessageIds: 'relay-7b@relay.test' };
    expect(await planOf('messages', filter)).not.toContain('Seq Scan');
    const found = await MessageModel.find(filter).lean();
    expect(found.map((message) => String(message.ticketId))).toEqual([String(ticketId)]);
    expect(await MessageModel.find({ serverMessageIds: 'relay-7c@relay.test' }).lean()).toEqual([]);
  });

  it('creates nothing when run again', async () => {
    const first = await addFerretDbPushdownIndexes(url, database, silent);
    expect(first.length).toBeGreaterThan(10);
    expect(await addFerretDbPushdownIndexes(url, database, silent)).toEqual([]);
  });

  it('lets several processes add them at once', async () => {
    const runs = await Promise.all([1, 2, 3, 4].map(() => addFerretDbPushdownIndexes(url, database, silent)));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const planned = await plannedPushdownIndexes(client, database);
      const names = (await client.query<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE 'linia_gin_%'", [database])).rows.map(
        (row) => row.indexname,
      );
      expect(names.sort()).toEqual(planned.map((entry) => entry.name).sort());
      // Each index was created by exactly one of the runs.
      const createdNames = runs.flat().map((entry) => entry.name);
      expect(new Set(createdNames).size).toBe(createdNames.length);
    } finally {
      await client.end();
    }
  });

  it('are added when a process starts', async () => {
    await disconnectStore();
    const config = loadConfig({
      MONGODB_URI: `${testServers().mongoBaseUri}/${database}`,
      REDIS_URL: testServers().redisUrl,
      LINIA_QUEUE_PREFIX: uniqueName('gin'),
      FERRETDB_POSTGRESQL_URL: url,
      LOG_LEVEL: 'silent',
    });
    const runtime = await openRuntime(config);
    try {
      expect(await planOf('tickets', { originKey: 'nobody@example.test' })).toEqual(expect.arrayContaining([expect.stringMatching(/^Bitmap Index Scan linia_gin_/)]));
    } finally {
      await runtime.queues.close();
    }
  });
});
