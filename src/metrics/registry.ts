import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The one Prometheus registry of a Linia process. Modules define their own
 * metrics next to the code that counts them and register them here; the HTTP
 * server serves `metricsRegistry.metrics()` at /metrics.
 */
export const metricsRegistry = new Registry();
metricsRegistry.setDefaultLabels({ app: 'linia' });

let defaultsStarted = false;

/** Adds Node.js process metrics (memory, event loop lag); called once by long-running processes. */
export function collectProcessMetrics(): void {
  if (defaultsStarted) return;
  defaultsStarted = true;
  collectDefaultMetrics({ register: metricsRegistry, prefix: 'linia_' });
}
