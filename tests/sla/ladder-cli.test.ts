/**
 * `linia ticket priority|category` as a user runs it: the built command (`npm test`
 * compiles dist/ first) against the local FerretDB and Redis.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import mongoose from 'mongoose';
import pino from 'pino';
import { loadConfig, type Config } from '../../src/config/index.js';
import { getLogger, setRootLogger } from '../../src/logging/logger.js';
import { deleteQueueKeys, openQueues, type LiniaQueues } from '../../src/queues/queues.js';
import { escalationJobId } from '../../src/queues/job-ids.js';
import { connectStore, disconnectStore } from '../../src/store/connection.js';
import { TicketEventModel } from '../../src/store/ticket-event.model.js';
import { TicketModel, type Ticket } from '../../src/store/ticket.model.js';
import { findOrCreateTicket } from '../../src/tickets/ticket-repository.js';
import { triageAndPlan } from '../../src/triage/triage-ticket.js';
import { requireServers, uniqueName } from '../support/servers.js';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'linia.js');

const POLICY_YAML = `ladder:
  default:
    schedule: 24x7
    toL2: 8h
  P1:
    toL2: 30m
lines:
  L3:
    categories:
      network:
        email: [siec@firma.example]
`;

describe('linia ticket', () => {
  let env: NodeJS.ProcessEnv;
  let config: Config;
  let queues: LiniaQueues;
  let dir: string;

  beforeAll(async () => {
    setRootLogger(pino({ level: 'silent' }));
    const servers = await requireServers('mongodb', 'redis');
    dir = mkdtempSync(path.join(tmpdir(), 'linia-ticket-cli-'));
    writeFileSync(path.join(dir, 'policy.yml'), POLICY_YAML);
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      MONGODB_URI: `${servers.mongoBaseUri}/${uniqueName('ticket_cli')}`,
      REDIS_URL: servers.redisUrl,
      LINIA_QUEUE_PREFIX: uniqueName('ticketcli'),
      LINIA_POLICY_FILE: path.join(dir, 'policy.yml'),
    };
    config = loadConfig(env, []);
    await connectStore(config.env.MONGODB_URI);
    queues = openQueues(config.env.REDIS_URL, config.env.LINIA_QUEUE_PREFIX);
  });

  afterAll(async () => {
    await deleteQueueKeys(queues);
    await queues.close();
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await disconnectStore();
    rmSync(dir, { recursive: true, force: true });
  });

  async function linia(args: string[], extra: NodeJS.ProcessEnv = {}) {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...env, ...extra }, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  }

  async function openTicket(subject: string): Promise<Ticket> {
    const { ticket } = await findOrCreateTicket({
      originKey: `test:${uniqueName('t')}`,
      channel: 'email',
      subject,
      language: 'en',
      requester: { address: 'anna@firma.example', name: 'Anna' },
    });
    await triageAndPlan({ config, queues, log: getLogger('test') }, ticket, { subject, text: '', requesterAddress: 'anna@firma.example', channel: 'email' });
    return (await TicketModel.findById(ticket._id).lean<Ticket>())!;
  }

  it('raises the priority and re-plans the deadline', async () => {
    const ticket = await openTicket('Printer jam');
    const result = await linia(['ticket', 'priority', String(ticket.number), 'p1', '--agent', 'jan.kowalski'], { LINIA_LANG: 'en' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Ticket #${ticket.number}: priority P3 → P1; SLA deadlines re-planned.\n`);

    const after = (await TicketModel.findById(ticket._id).lean<Ticket>())!;
    expect(after.priority).toBe('P1');
    expect(after.planVersion).toBe(ticket.planVersion + 1);
    const createdAt = (after as { createdAt?: Date }).createdAt!.getTime();
    expect(after.due!.l2At!.getTime()).toBe(createdAt + 30 * 60_000);
    const job = await queues.escalation.getJob(escalationJobId(ticket._id.toHexString(), 'L2', after.planVersion));
    expect(await job?.getState()).toBe('delayed');
    const event = await TicketEventModel.findOne({ ticketId: ticket._id, type: 'priority.changed' }).lean();
    expect(event).toMatchObject({ priority: 'P1', agent: 'jan.kowalski', detail: 'P3 → P1' });
  }, 60_000);

  it('reports an unchanged value in Polish', async () => {
    const ticket = await openTicket('Mysz');
    const result = await linia(['ticket', 'priority', String(ticket.number), 'P3'], { LINIA_LANG: 'pl' });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Zgłoszenie #${ticket.number} ma już priorytet P3; nic nie zmieniono.\n`);
  }, 60_000);

  it('sets the category as JSON', async () => {
    const ticket = await openTicket('VPN');
    const result = await linia(['ticket', 'category', String(ticket.number), 'network', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ticketNumber: ticket.number, field: 'category', from: null, to: 'network', changed: true });
    expect((await TicketModel.findById(ticket._id).lean<Ticket>())?.category).toBe('network');
  }, 60_000);

  it('rejects an invalid priority with exit code 1', async () => {
    const result = await linia(['ticket', 'priority', '1', 'P9'], { LINIA_LANG: 'pl' });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('nieprawidłowy priorytet „P9”; użyj P1, P2, P3 lub P4');
  }, 60_000);

  it('names a ticket number that does not exist', async () => {
    const result = await linia(['ticket', 'category', '999999', 'network'], { LINIA_LANG: 'en' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ticket #999999 not found');
  }, 60_000);
});
