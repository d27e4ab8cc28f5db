import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from './registry.js';

/** Health source of one running watcher, read by the gauges at each scrape. */
export interface ImapHealthSource {
  readonly mailboxKey: string;
  healthStatus(): {
    connected: boolean;
    lastAliveAt: Date | null;
    lastIdleAt: Date | null;
    lastSyncAt: Date | null;
    lagSeconds: number | null;
  };
}

const watched = new Set<ImapHealthSource>();

function seconds(date: Date | null): number {
  return date ? date.getTime() / 1000 : 0;
}

const connectedGauge = new Gauge({
  name: 'linia_imap_connected',
  help: '1 while the IMAP watcher has an open connection with the mailbox selected, else 0',
  labelNames: ['mailbox'],
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const source of watched) this.set({ mailbox: source.mailboxKey }, source.healthStatus().connected ? 1 : 0);
  },
});

const lastAliveGauge = new Gauge({
  name: 'linia_imap_last_alive_timestamp_seconds',
  help: 'Unix time of the last NOOP the IMAP server responded to, or 0 before the first',
  labelNames: ['mailbox'],
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const source of watched) this.set({ mailbox: source.mailboxKey }, seconds(source.healthStatus().lastAliveAt));
  },
});

const lastIdleGauge = new Gauge({
  name: 'linia_imap_last_idle_timestamp_seconds',
  help: 'Unix time of the last IDLE that the watchdog found running and the IMAP server ended cleanly, or 0 before the first',
  labelNames: ['mailbox'],
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const source of watched) this.set({ mailbox: source.mailboxKey }, seconds(source.healthStatus().lastIdleAt));
  },
});

const lastSyncGauge = new Gauge({
  name: 'linia_imap_last_sync_timestamp_seconds',
  help: 'Unix time of the last completed UID search from the stored checkpoint; 0 before the first',
  labelNames: ['mailbox'],
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const source of watched) this.set({ mailbox: source.mailboxKey }, seconds(source.healthStatus().lastSyncAt));
  },
});

const lagGauge = new Gauge({
  name: 'linia_imap_lag_seconds',
  help: 'Seconds since the last completed UID search from the checkpoint, the maximum time a new message may have waited unseen, or -1 before the first',
  labelNames: ['mailbox'],
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const source of watched) this.set({ mailbox: source.mailboxKey }, source.healthStatus().lagSeconds ?? -1);
  },
});

const reconnectsCounter = new Counter({
  name: 'linia_imap_reconnects_total',
  help: 'IMAP connections the watcher opened again after losing one',
  labelNames: ['mailbox'],
  registers: [metricsRegistry],
});

const commandTimeoutsCounter = new Counter({
  name: 'linia_imap_command_timeouts_total',
  help: 'IMAP commands that got no response within their timeout, each of which closed its connection',
  labelNames: ['mailbox', 'command'],
  registers: [metricsRegistry],
});

const fetchedCounter = new Counter({
  name: 'linia_imap_messages_fetched_total',
  help: 'Message bodies fetched from the IMAP server, where more than one per message means that a sync was retried',
  labelNames: ['mailbox'],
  registers: [metricsRegistry],
});

/** Metrics of one IMAP watcher, labelled with its mailbox key (user@host:port/folder). */
export interface ImapMetrics {
  reconnected(): void;
  commandTimedOut(command: string): void;
  messageFetched(): void;
  /** Starts reporting the watcher's health gauges. */
  watch(): void;
  /** Stops reporting the gauges. The counters keep their totals. */
  unwatch(): void;
}

export function imapMetrics(source: ImapHealthSource): ImapMetrics {
  const mailbox = source.mailboxKey;
  return {
    reconnected: () => reconnectsCounter.inc({ mailbox }),
    commandTimedOut: (command) => commandTimeoutsCounter.inc({ mailbox, command }),
    messageFetched: () => fetchedCounter.inc({ mailbox }),
    watch: () => {
      watched.add(source);
    },
    unwatch: () => {
      watched.delete(source);
    },
  };
}

