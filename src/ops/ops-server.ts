import { timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express, { type NextFunction, type Request, type Response } from 'express';
import { getLogger } from '../logging/logger.js';
import { metricsRegistry } from '../metrics/registry.js';
import { runChecks, type ReadinessCheck } from './readiness.js';

const log = getLogger('ops');

export interface DashboardOptions {
  user: string;
  password: string;
  queues: Queue[];
}

export interface OpsServerOptions {
  host: string;
  port: number;
  checks: readonly ReadinessCheck[];
  /** Mounts the queue dashboard at /admin/queues behind basic auth; off when absent. */
  dashboard?: DashboardOptions;
}

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

export const DASHBOARD_PATH = '/admin/queues';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function basicAuth(user: string, password: string) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const header = request.headers.authorization ?? '';
    const [scheme, encoded] = header.split(' ');
    if (scheme === 'Basic' && encoded) {
      const decoded = Buffer.from(encoded, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0 && sameSecret(decoded.slice(0, colon), user) && sameSecret(decoded.slice(colon + 1), password)) {
        next();
        return;
      }
    }
    response.setHeader('WWW-Authenticate', 'Basic realm="Linia queues", charset="UTF-8"');
    response.status(401).send('authentication required\n');
  };
}

/**
 * The operations endpoints of a Linia process: /healthz (the process answers),
 * /readyz (every dependency answers), /metrics (Prometheus) and, when enabled,
 * the queue dashboard.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });

  app.get('/readyz', async (_request, response) => {
    const result = await runChecks(options.checks);
    if (!result.ready) {
      log.warn({ checks: result.checks }, 'not ready');
    }
    response.status(result.ready ? 200 : 503).json({ status: result.ready ? 'ready' : 'unready', checks: result.checks });
  });

  app.get('/metrics', async (_request, response) => {
    try {
      const body = await metricsRegistry.metrics();
      response.setHeader('Content-Type', metricsRegistry.contentType);
      response.send(body);
    } catch (error) {
      log.error({ err: error }, 'collecting metrics failed');
      response.status(500).send(`collecting metrics failed: ${(error as Error).message}\n`);
    }
  });

  if (options.dashboard) {
    const adapter = new ExpressAdapter();
    adapter.setBasePath(DASHBOARD_PATH);
    createBullBoard({ queues: options.dashboard.queues.map((queue) => new BullMQAdapter(queue)), serverAdapter: adapter });
    app.use(DASHBOARD_PATH, basicAuth(options.dashboard.user, options.dashboard.password), adapter.getRouter());
  }

  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(options.port, options.host, () => resolve(listening));
    listening.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ host: options.host, port, dashboard: Boolean(options.dashboard) }, 'operations endpoints listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
