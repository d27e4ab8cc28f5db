import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';

/**
 * FerretDB 1.24 over PostgreSQL turns an equality on a top-level field into
 * `_jsonb -> 'field' @> value`. The btree indexes it creates for `createIndexes`
 * are on `(_jsonb -> 'field')` and cannot serve `@>`, so PostgreSQL scans the
 * whole table (docs/ferretdb.md). A GIN index with `jsonb_path_ops` on the same
 * expression serves it. This module adds one beside each FerretDB index.
 */

/** Table of FerretDB's own list of collections, which needs no extra index. */
const FERRETDB_METADATA_TABLE = '_ferretdb_database_metadata';

/** PostgreSQL error codes of a `CREATE INDEX` whose name another process took first. */
const RACE_CODES = new Set(['23505', '42P07']);

/** A top-level field in the SQL definition of a FerretDB btree index. Nested paths use `#>` and do not match. */
const TOP_LEVEL_KEY = /\(_jsonb -> '((?:[^']|'')+)'::text\)/g;

export interface PushdownIndex {
  table: string;
  field: string;
  name: string;
}

/** Quotes a PostgreSQL identifier. */
function identifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a PostgreSQL string literal. */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Index name that fits PostgreSQL's 63 bytes and is the same for every caller. */
function indexName(table: string, field: string): string {
  const hash = createHash('sha256').update(`${table}\0${field}`).digest('hex').slice(0, 12);
  return `linia_gin_${hash}`;
}

/**
 * Lists the GIN indexes that the FerretDB database `database` needs: one for each
 * top-level field of each btree index that FerretDB created, on every collection.
 * A compound index such as `{ channel: 1, key: 1 }` gets one per field, because
 * FerretDB hands over each equality as a condition of its own.
 */
export async function plannedPushdownIndexes(client: pg.ClientBase, database: string): Promise<PushdownIndex[]> {
  const result = await client.query<{ tablename: string; indexdef: string }>(
    'SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename <> $2 ORDER BY tablename, indexname',
    [database, FERRETDB_METADATA_TABLE],
  );
  const planned = new Map<string, PushdownIndex>();
  for (const row of result.rows) {
    if (!row.indexdef.includes('USING btree')) continue;
    for (const match of row.indexdef.matchAll(TOP_LEVEL_KEY)) {
      const field = match[1]!.replaceAll("''", "'");
      const name = indexName(row.tablename, field);
      planned.set(name, { table: row.tablename, field, name });
    }
  }
  return [...planned.values()];
}

/**
 * Creates the GIN indexes of `plannedPushdownIndexes` that do not exist yet, so
 * that equalities FerretDB hands to PostgreSQL read an index instead of the table.
 * Several processes may run it at once. Returns the indexes it created.
 * Call it after the collections and their indexes exist, as `connectStore` does.
 */
export async function addFerretDbPushdownIndexes(postgresUrl: string, database: string, log: Logger): Promise<PushdownIndex[]> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const existing = await client.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = $1', [database]);
    const present = new Set(existing.rows.map((row) => row.indexname));
    const created: PushdownIndex[] = [];
    for (const index of await plannedPushdownIndexes(client, database)) {
      if (present.has(index.name)) continue;
      const started = Date.now();
      try {
        await client.query(
          `CREATE INDEX ${identifier(index.name)} ON ${identifier(database)}.${identifier(index.table)} ` +
            `USING gin ((_jsonb -> ${literal(index.field)}) jsonb_path_ops)`,
        );
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        if (!RACE_CODES.has(code)) throw error;
        log.debug({ table: index.table, field: index.field, index: index.name, code }, 'FerretDB pushdown index created by another process');
        continue;
      }
      created.push(index);
      log.info({ table: index.table, field: index.field, index: index.name, ms: Date.now() - started }, 'FerretDB pushdown index created');
    }
    return created;
  } finally {
    await client.end();
  }
}
