/**
 * The linia_sla_* gauges, computed on scrape from the seeded store for a
 * window that ends on Monday 9 November 2026 at 10:00 Warsaw time, when
 * ticket 6 is an hour old and still within both targets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { loadConfig } from '../../src/config/index.js';
import { metricsRegistry } from '../../src/metrics/registry.js';
import { observeSlaMetrics, stopSlaMetrics } from '../../src/metrics/sla-metrics.js';
import { connectStore, disconnectStore } from '../../src/store/connection.js';
import { seedSlaData, warsaw, writeSlaTestPolicy } from '../support/seed-sla-data.js';
import { requireServers, uniqueName } from '../support/servers.js';

let tempDir: string;

async function values(name: string): Promise<Array<{ labels: Partial<Record<string, string | number>>; value: number }>> {
  const metric = metricsRegistry.getSingleMetric(name);
  if (!metric) throw new Error(`metric ${name} is not registered`);
  return (await metric.get()).values;
}

async function valueOf(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const found = (await values(name)).find((sample) => Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  return found?.value;
}

beforeAll(async () => {
  const servers = await requireServers('mongodb');
  tempDir = mkdtempSync(path.join(os.tmpdir(), 'linia-sla-metrics-'));
  await connectStore(`${servers.mongoBaseUri}/${uniqueName('sla_metrics')}`);
  await seedSlaData();
  const { policy } = loadConfig({ LINIA_POLICY_FILE: writeSlaTestPolicy(tempDir) });
  observeSlaMetrics({ policy, windowDays: 8, now: () => warsaw('2026-11-09 10:00') });
});

afterAll(async () => {
  stopSlaMetrics();
  if (mongoose.connection.readyState === 1) {
    await mongoose.connection.dropDatabase();
  }
  await disconnectStore();
  rmSync(tempDir, { recursive: true, force: true });
});

describe('SLA metrics', () => {
  it('counts tickets per group in the window', async () => {
    const tickets = await values('linia_sla_tickets');

    expect(tickets.reduce((sum, sample) => sum + sample.value, 0)).toBe(7);
    expect(await valueOf('linia_sla_tickets', { line: 'L1', priority: 'P3', category: 'hardware' })).toBe(3);
    expect(await valueOf('linia_sla_window_days', {})).toBe(8);
  });

  it('reports a young open ticket as pending', async () => {
    const labels = { line: 'L1', priority: 'P3', category: 'none', target: 'first_response' };

    expect(await valueOf('linia_sla_target_outcomes', { ...labels, outcome: 'pending' })).toBe(1);
    expect(await valueOf('linia_sla_target_outcomes', { ...labels, outcome: 'missed' })).toBe(0);
    expect(await valueOf('linia_sla_target_met_ratio', labels)).toBeUndefined();
  });

  it('exports business times in seconds', async () => {
    const labels = { line: 'L1', priority: 'P2', category: 'network' };

    expect(await valueOf('linia_sla_business_time_seconds', { ...labels, target: 'first_response', quantile: '0.5' })).toBe(30 * 60);
    expect(await valueOf('linia_sla_business_time_seconds', { ...labels, target: 'resolution', quantile: '0.9' })).toBe(240 * 60);
    expect(await valueOf('linia_sla_target_met_ratio', { ...labels, target: 'resolution' })).toBe(1);
  });

  it('exports escalations, reopens and deflection', async () => {
    const security = { line: 'L3', priority: 'P1', category: 'security' };

    expect(await valueOf('linia_sla_escalated_tickets', { ...security, level: 'L3' })).toBe(1);
    expect(await valueOf('linia_sla_reopen_ratio', security)).toBe(1);
    expect(await valueOf('linia_sla_l1_deflection_ratio', { line: 'L1', priority: 'P3', category: 'hardware' })).toBeCloseTo(0.333, 3);
  });

  it('appears in the /metrics text', async () => {
    const text = await metricsRegistry.metrics();

    expect(text).toContain('linia_sla_tickets{line="L2",priority="P2",category="network",app="linia"} 1');
  });
});
