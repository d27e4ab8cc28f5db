import { existsSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { runDemo, type DemoReport } from '../../src/cli/demo-command.js';
import { formatDemoJson } from '../../src/cli/demo-output.js';
import { findEmlFiles } from '../../src/cli/demo-mailbox.js';
import { MessageModel } from '../../src/store/message.model.js';
import { INTAKE_ACTIONS } from '../../src/tickets/intake-result.js';
import { testServers, uniqueName } from '../support/servers.js';

const DATA_DIR = process.env.LINIA_DATA_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'data');
const CORPUS_DIR = process.env.LINIA_CORPUS_DIR ?? path.join(DATA_DIR, 'emails');
const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');

/** Checks, in the demo's database, that no automatic reply answered an automatic message. */
async function repliesToAutomaticMail(database: string): Promise<string[]> {
  const connection = await mongoose.createConnection(`${testServers().mongoBaseUri}/${database}`).asPromise();
  try {
    // The raw collection, not a model: compiling a model would create the collection again after the drop.
    const messages = connection.collection<{ key: string; messageId: string | null; inReplyTo: string | null }>(MessageModel.collection.collectionName);
    // Automatic by its headers, or held by the loop breaker, or Linia's own mail dropped.
    const automatic = await messages
      .find({ direction: 'in', $or: [{ automatic: true }, { outcome: { $in: ['automatic', 'dropped'] } }] }, { projection: { key: 1, messageId: 1 } })
      .toArray();
    const automaticKeys = new Set(automatic.map((message) => `first-reply:${message.key}`));
    const automaticIds = new Set(automatic.flatMap((message) => (message.messageId ? [message.messageId] : [])));
    const replies = await messages
      .find({ direction: 'out', kind: { $in: ['kb_answer', 'acknowledgement'] } }, { projection: { key: 1, inReplyTo: 1 } })
      .toArray();
    return replies
      .filter((reply) => automaticKeys.has(reply.key) || (reply.inReplyTo !== null && automaticIds.has(reply.inReplyTo ?? '')))
      .map((reply) => reply.key);
  } finally {
    await connection.dropDatabase();
    await connection.close();
  }
}

function expectAccounted(report: DemoReport, fileCount: number): void {
  expect(report.rows).toHaveLength(fileCount);
  for (const row of report.rows) {
    expect(INTAKE_ACTIONS).toContain(row.action);
    if (row.action === 'quarantined') {
      expect(row.reason).toBeTruthy();
    }
    if (row.action === 'auto-replied') {
      expect(row.article).toBeTruthy();
      expect(row.ticket).not.toBeNull();
    }
  }
  const total = Object.values(report.summary).reduce((sum, count) => sum + count, 0);
  expect(total).toBe(fileCount);
}

describe('linia demo', () => {
  it('accounts for every bundled example mail', async () => {
    const database = uniqueName('linia_demo_test');
    const files = await findEmlFiles(path.join(EXAMPLES, 'emails'));
    const report = await runDemo({
      emails: path.join(EXAMPLES, 'emails'),
      kb: [path.join(EXAMPLES, 'kb')],
      json: true,
      toL2After: 2_000,
      toL3After: 2_000,
      timeoutMs: 120_000,
      language: 'en',
      database,
    });
    expectAccounted(report, files.length);
    expect(report.summary['auto-replied']).toBeGreaterThan(0);
    expect(report.summary.automatic).toBeGreaterThan(0);
    expect(report.escalations.some((escalation) => escalation.line === 'L3' && escalation.posted)).toBe(true);

    const lines = formatDemoJson(report).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.at(-1)).toEqual({ summary: report.summary });
    expect(Object.keys(lines[0]).sort()).toEqual(['action', 'article', 'file', 'reason', 'ticket']);
    expect(await repliesToAutomaticMail(database)).toEqual([]);
  });

  const corpusTest = existsSync(CORPUS_DIR) ? it : it.skip;
  if (!existsSync(CORPUS_DIR)) {
    console.warn(`corpus test skipped: ${CORPUS_DIR} not found (set LINIA_CORPUS_DIR or LINIA_DATA_DIR)`);
  }

  corpusTest('accounts for every mail of the shared corpus and never answers automatic mail', async () => {
    const database = uniqueName('linia_corpus_test');
    const files = await findEmlFiles(CORPUS_DIR);
    const report = await runDemo({
      emails: CORPUS_DIR,
      kb: [path.join(EXAMPLES, 'kb')],
      json: true,
      toL2After: 3_600_000,
      toL3After: 3_600_000,
      timeoutMs: 240_000,
      language: 'en',
      database,
    });
    console.log(`corpus ${CORPUS_DIR}: ${files.length} files\n${JSON.stringify(report.summary, null, 2)}`);
    expectAccounted(report, files.length);
    expect(report.rows.filter((row) => row.reason === 'not processed before the demo timed out')).toEqual([]);
    expect(await repliesToAutomaticMail(database)).toEqual([]);
  }, 300_000);
});
