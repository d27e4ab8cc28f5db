/**
 * The SLA report computed from the seeded store (FerretDB), compared with the
 * figures worked out by hand in tests/support/seed-sla-data.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { loadConfig, type Policy } from '../../src/config/index.js';
import { parseReportPeriod } from '../../src/reports/report-period.js';
import { computeSlaReport } from '../../src/reports/sla-report.js';
import type { SlaReport } from '../../src/reports/sla-report-types.js';
import { connectStore, disconnectStore } from '../../src/store/connection.js';
import { SEED_AS_OF, SEED_PERIOD, seedSlaData, writeSlaTestPolicy } from '../support/seed-sla-data.js';
import { requireServers, uniqueName } from '../support/servers.js';

let report: SlaReport;
let policy: Policy;
let tempDir: string;

beforeAll(async () => {
  const servers = await requireServers('mongodb');
  tempDir = mkdtempSync(path.join(os.tmpdir(), 'linia-sla-report-'));
  policy = loadConfig({ LINIA_POLICY_FILE: writeSlaTestPolicy(tempDir) }).policy;
  await connectStore(`${servers.mongoBaseUri}/${uniqueName('sla_report')}`);
  await seedSlaData();
  const period = parseReportPeriod(SEED_PERIOD.from, SEED_PERIOD.to, policy.timeZone);
  report = await computeSlaReport({ policy, period, asOf: SEED_AS_OF });
});

afterAll(async () => {
  if (mongoose.connection.readyState === 1) {
    await mongoose.connection.dropDatabase();
  }
  await disconnectStore();
  rmSync(tempDir, { recursive: true, force: true });
});

describe('computeSlaReport', () => {
  it('counts tickets created in the period in Warsaw time', () => {
    expect(report.total.tickets).toBe(10);
    expect(report.period.start.toISOString()).toBe('2026-11-01T23:00:00.000Z');
    expect(report.period.end.toISOString()).toBe('2026-11-15T23:00:00.000Z');
  });

  it('takes targets from the ladder and report.targets', () => {
    expect(report.targets.P1).toEqual({ schedule: '24x7', responseMs: 30 * 60_000, resolutionMs: 240 * 60_000 });
    expect(report.targets.P2).toEqual({ schedule: 'default', responseMs: 60 * 60_000, resolutionMs: 480 * 60_000 });
    expect(report.targets.P4).toEqual({ schedule: 'default', responseMs: 480 * 60_000, resolutionMs: 2400 * 60_000 });
  });

  it('groups by highest line, priority and category', () => {
    const keys = report.groups.map((group) => `${group.line} ${group.priority} ${group.category ?? '-'} ${group.tickets}`);
    expect(keys).toEqual(['L1 P2 network 3', 'L1 P3 hardware 3', 'L1 P3 - 1', 'L1 P4 software 1', 'L2 P2 network 1', 'L3 P1 security 1']);
  });

  it('computes the first-response figures of all tickets', () => {
    expect(report.total.firstResponse).toEqual({
      met: 5,
      missed: 3,
      pending: 0,
      notApplicable: 2,
      metPercent: 62.5,
      medianMinutes: 46,
      p90Minutes: 165,
    });
  });

  it('computes the resolution figures of all tickets', () => {
    expect(report.total.resolution).toEqual({
      met: 6,
      missed: 4,
      pending: 0,
      notApplicable: 0,
      metPercent: 60,
      medianMinutes: 300,
      p90Minutes: 708,
    });
  });

  it('counts escalations, reopens and deflection', () => {
    expect(report.total.escalations).toEqual({ L2: 2, L3: 1 });
    expect(report.total.resolvedOnce).toBe(8);
    expect(report.total.reopened).toBe(2);
    expect(report.total.reopenRatePercent).toBe(25);
    expect(report.total.deflected).toBe(2);
    expect(report.total.deflectionPercent).toBe(20);
  });

  it('pauses the clock while waiting for the requester', () => {
    const hardware = report.groups.find((group) => group.priority === 'P3' && group.category === 'hardware');
    expect(hardware?.firstResponse).toMatchObject({ met: 1, missed: 1, notApplicable: 1, medianMinutes: 61 });
    expect(hardware?.resolution).toMatchObject({ met: 2, missed: 1, metPercent: 66.7, medianMinutes: 181, p90Minutes: 325 });
    expect(hardware?.deflectionPercent).toBe(33.3);
  });

  it('skips the 11 November holiday', () => {
    const software = report.groups.find((group) => group.category === 'software');
    expect(software?.firstResponse.medianMinutes).toBe(120);
    expect(software?.resolution.medianMinutes).toBe(960);
  });

  it('measures a reopened ticket to its final resolution', () => {
    const security = report.groups.find((group) => group.category === 'security');
    expect(security?.line).toBe('L3');
    expect(security?.firstResponse.medianMinutes).toBe(20);
    expect(security?.resolution).toMatchObject({ missed: 1, medianMinutes: 360 });
    expect(security?.reopenRatePercent).toBe(100);
    expect(security?.escalations).toEqual({ L2: 1, L3: 1 });
  });

  it('rows per ISO week', () => {
    expect(report.weeks).toEqual([
      { week: '2026-W45', startDate: '2026-11-02', tickets: 6, responseMetPercent: 60, resolutionMetPercent: 50, breaches: 5 },
      { week: '2026-W46', startDate: '2026-11-09', tickets: 4, responseMetPercent: 66.7, resolutionMetPercent: 75, breaches: 2 },
    ]);
  });

  it('breaches per line', () => {
    expect(report.breachesByLine).toEqual([
      { line: 'L1', tickets: 8, responseMissed: 2, resolutionMissed: 2 },
      { line: 'L2', tickets: 1, responseMissed: 1, resolutionMissed: 1 },
      { line: 'L3', tickets: 1, responseMissed: 0, resolutionMissed: 1 },
    ]);
  });

  it('deflection per article', () => {
    expect(report.articles).toEqual([
      { articleId: 'en/wifi-connection.md', answered: 2, deflected: 1, deflectionPercent: 50 },
      { articleId: 'pl/drukarka-nie-drukuje.md', answered: 2, deflected: 1, deflectionPercent: 50 },
    ]);
  });
});
