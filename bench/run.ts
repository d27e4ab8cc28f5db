/**
 * `npm run bench`: every benchmark of issue 7 in turn, or the ones named as
 * arguments (ingest, latency, timers, memory). Sizes come from BENCH_* variables.
 */
import pino from 'pino';
import { setRootLogger } from '../src/logging/logger.js';
import { machineLine } from './bench-support.js';
import { benchMemory } from './memory-bench.js';
import { benchIngest, benchLatency } from './pipeline-bench.js';
import { benchTimers } from './timer-bench.js';

const BENCHMARKS: Record<string, () => Promise<void>> = {
  ingest: benchIngest,
  latency: benchLatency,
  timers: benchTimers,
  memory: benchMemory,
};

async function main(): Promise<void> {
  setRootLogger(pino({ level: process.env.LOG_LEVEL ?? 'warn' }));
  const requested = process.argv.slice(2);
  const unknown = requested.filter((name) => !(name in BENCHMARKS));
  if (unknown.length > 0) {
    throw new Error(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHMARKS).join(', ')}`);
  }
  process.stdout.write(`machine: ${machineLine()}\n`);
  for (const name of requested.length > 0 ? requested : Object.keys(BENCHMARKS)) {
    await BENCHMARKS[name]!();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
