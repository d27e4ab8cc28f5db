import mongoose from 'mongoose';
import type { Redis } from 'ioredis';
import type { WebClient } from '@slack/web-api';

/** Outcome of one readiness check, shown by /readyz. */
export interface CheckResult {
  ok: boolean;
  detail?: string;
}

/** A named dependency that /readyz checks before it reports the process ready for work. */
export interface ReadinessCheck {
  name: string;
  run(): Promise<CheckResult>;
}

/** Time one check may take before it counts as failed; a hung dependency must not hang /readyz. */
const CHECK_TIMEOUT_MS = 2_000;

async function withTimeout(check: ReadinessCheck): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${CHECK_TIMEOUT_MS} ms` }), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      check.run().catch((error: unknown) => ({ ok: false, detail: (error as Error).message })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check in parallel; ready only when all pass. */
export async function runChecks(checks: readonly ReadinessCheck[]): Promise<{ ready: boolean; checks: Record<string, CheckResult> }> {
  const results = await Promise.all(checks.map(async (check) => [check.name, await withTimeout(check)] as const));
  return { ready: results.every(([, result]) => result.ok), checks: Object.fromEntries(results) };
}

/** Checks that the store replies to a ping. */
export function storeCheck(): ReadinessCheck {
  return {
    name: 'store',
    async run() {
      const db = mongoose.connection.db;
      if (mongoose.connection.readyState !== 1 || !db) {
        return { ok: false, detail: 'not connected' };
      }
      await db.admin().command({ ping: 1 });
      return { ok: true };
    },
  };
}

/** Checks that Redis replies PONG on the given connection. */
export function redisCheck(connection: Redis): ReadinessCheck {
  return {
    name: 'redis',
    async run() {
      if (connection.status !== 'ready') {
        return { ok: false, detail: `connection ${connection.status}` };
      }
      const answer = await connection.ping();
      return answer === 'PONG' ? { ok: true } : { ok: false, detail: `unexpected answer ${answer}` };
    },
  };
}

/** Minimum time between two Slack calls of the check, so frequent probes do not use up Slack's rate limit. */
const SLACK_CHECK_INTERVAL_MS = 60_000;

/** Checks that the Slack token is accepted (auth.test); the result is reused for a minute. */
export function slackCheck(client: WebClient): ReadinessCheck {
  let last: { at: number; result: CheckResult } | null = null;
  return {
    name: 'slack',
    async run() {
      if (last && Date.now() - last.at < SLACK_CHECK_INTERVAL_MS) {
        return last.result;
      }
      let result: CheckResult;
      try {
        const answer = await client.auth.test();
        result = answer.ok ? { ok: true } : { ok: false, detail: String(answer.error) };
      } catch (error) {
        result = { ok: false, detail: (error as Error).message };
      }
      last = { at: Date.now(), result };
      return result;
    },
  };
}
