/**
 * Runs the built `linia report sla` (build first: `npx tsc -p tsconfig.json`)
 * on the seeded store in all four formats, and renders the HTML page in
 * headless Chromium to check that its charts are drawn.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import mongoose from 'mongoose';
import { chromium, type BrowserContext } from 'playwright-core';
import { connectStore, disconnectStore } from '../../src/store/connection.js';
import { SEED_PERIOD, seedSlaData, writeSlaTestPolicy } from '../support/seed-sla-data.js';
import { requireServers, uniqueName } from '../support/servers.js';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'linia.js');
const CHROMIUM = '/usr/bin/chromium';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let tempDir: string;
let baseEnv: NodeJS.ProcessEnv;

async function linia(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...baseEnv, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const PERIOD_ARGS = ['report', 'sla', '--from', SEED_PERIOD.from, '--to', SEED_PERIOD.to];

beforeAll(async () => {
  const servers = await requireServers('mongodb');
  tempDir = mkdtempSync(path.join(os.tmpdir(), 'linia-sla-cli-'));
  const database = uniqueName('sla_cli');
  const uri = `${servers.mongoBaseUri}/${database}`;
  await connectStore(uri);
  await seedSlaData();
  await disconnectStore();
  baseEnv = { PATH: process.env.PATH, HOME: process.env.HOME, MONGODB_URI: uri, LINIA_POLICY_FILE: writeSlaTestPolicy(tempDir), LINIA_LANG: 'en' };
}, 60_000);

afterAll(async () => {
  if (baseEnv?.MONGODB_URI) {
    const connection = await mongoose.createConnection(baseEnv.MONGODB_URI).asPromise();
    await connection.dropDatabase();
    await connection.close();
  }
  rmSync(tempDir, { recursive: true, force: true });
});

describe('linia report sla', () => {
  it('prints the table in English', async () => {
    const result = await linia(PERIOD_ARGS);

    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('SLA compliance report');
    expect(lines[1]).toBe('Period: 2026-11-02 – 2026-11-15 (time zone Europe/Warsaw)');
    const total = lines.find((line) => line.startsWith('All tickets'));
    expect(total?.split(/\s{2,}/)).toEqual(['All tickets', '10', '62.5%', '60.0%', '0h 46m', '2h 45m', '5h 00m', '11h 48m', '2', '1', '25.0%', '20.0%']);
    const security = lines.find((line) => line.startsWith('L3'));
    expect(security?.split(/\s{2,}/)).toEqual(['L3', 'P1', 'security', '1', '100.0%', '0.0%', '0h 20m', '0h 20m', '6h 00m', '6h 00m', '1', '1', '100.0%', '0.0%']);
  });

  it('prints the table in Polish with --lang pl', async () => {
    const result = await linia([...PERIOD_ARGS, '--lang', 'pl']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Raport zgodności z SLA');
    const total = result.stdout.split('\n').find((line) => line.startsWith('Wszystkie zgłoszenia'));
    expect(total?.split(/\s{2,}/)).toEqual([
      'Wszystkie zgłoszenia',
      '10',
      '62,5%',
      '60,0%',
      '0 h 46 min',
      '2 h 45 min',
      '5 h 00 min',
      '11 h 48 min',
      '2',
      '1',
      '25,0%',
      '20,0%',
    ]);
    expect(result.stdout).toContain('bez kategorii');
  });

  it('prints CSV with one row per group and a total', async () => {
    const result = await linia([...PERIOD_ARGS, '--format', 'csv']);

    expect(result.code).toBe(0);
    const rows = result.stdout.trimEnd().split('\r\n').map((row) => row.split(','));
    const header = rows[0] ?? [];
    const byColumn = (row: string[]): Record<string, string> => Object.fromEntries(header.map((name, index) => [name, row[index] ?? '']));
    expect(rows).toHaveLength(1 + 6 + 1);
    expect(byColumn(rows[7] ?? [])).toMatchObject({
      line: 'all',
      tickets: '10',
      first_response_met: '5',
      first_response_missed: '3',
      first_response_met_percent: '62.5',
      first_response_median_minutes: '46',
      first_response_p90_minutes: '165',
      resolution_met_percent: '60',
      resolution_median_minutes: '300',
      resolution_p90_minutes: '708',
      escalated_l2: '2',
      escalated_l3: '1',
      reopen_rate_percent: '25',
      deflection_percent: '20',
    });
    expect(byColumn(rows[3] ?? [])).toMatchObject({ line: 'L1', priority: 'P3', category: '', tickets: '1', first_response_met_percent: '0', first_response_median_minutes: '' });
  });

  it('prints JSON with weeks, lines and articles', async () => {
    const result = await linia([...PERIOD_ARGS, '--format', 'json']);

    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.period).toMatchObject({ from: '2026-11-02', to: '2026-11-15', timeZone: 'Europe/Warsaw', start: '2026-11-01T23:00:00.000Z' });
    expect(report.total.tickets).toBe(10);
    expect(report.total.resolution.medianMinutes).toBe(300);
    expect(report.weeks.map((week: { week: string; tickets: number }) => [week.week, week.tickets])).toEqual([
      ['2026-W45', 6],
      ['2026-W46', 4],
    ]);
    expect(report.breachesByLine.map((row: { responseMissed: number; resolutionMissed: number }) => [row.responseMissed, row.resolutionMissed])).toEqual([
      [2, 2],
      [1, 1],
      [0, 1],
    ]);
    expect(report.articles.map((article: { articleId: string }) => article.articleId)).toEqual(['en/wifi-connection.md', 'pl/drukarka-nie-drukuje.md']);
  });

  it('writes the report to --out', async () => {
    const file = path.join(tempDir, 'report.json');
    const result = await linia([...PERIOD_ARGS, '--format', 'json', '--out', file]);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`SLA report written to ${file}\n`);
    expect(JSON.parse(readFileSync(file, 'utf8')).total.tickets).toBe(10);
  });

  it('rejects an invalid date in the CLI language', async () => {
    const english = await linia(['report', 'sla', '--from', '2026-02-30', '--to', '2026-03-01']);
    const polish = await linia(['report', 'sla', '--from', '2026-11-15', '--to', '2026-11-02'], { LINIA_LANG: 'pl' });

    expect(english.code).toBe(1);
    expect(english.stderr).toContain('--from "2026-02-30" is not a valid date; write it as YYYY-MM-DD');
    expect(english.stdout).toBe('');
    expect(polish.code).toBe(1);
    expect(polish.stderr).toContain('Błąd: --to 2026-11-02 jest wcześniej niż --from');
  });

  it('rejects an unknown format', async () => {
    const result = await linia([...PERIOD_ARGS, '--format', 'xml']);

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("option '--format <format>' argument 'xml' is invalid");
  });
});

describe('linia report sla --format html', () => {
  let htmlFile: string;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    htmlFile = path.join(tempDir, 'sla.html');
    const result = await linia([...PERIOD_ARGS, '--format', 'html', '--out', htmlFile, '--lang', 'pl']);
    expect(result.code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
  });

  async function openBrowser(): Promise<BrowserContext> {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing; install it with "bash scripts/browser.sh"`);
    }
    // A new empty profile, so no state of another run or user leaks in.
    return chromium.launchPersistentContext(mkdtempSync(path.join(tempDir, 'chromium-profile-')), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1200, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }

  it('is one self-contained page', () => {
    const html = readFileSync(htmlFile, 'utf8');

    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<html lang="pl">');
    expect(html).not.toMatch(/<script|<link|src=|href=|@import|url\(/i);
  });

  it('draws the three charts in Chromium', async () => {
    context = await openBrowser();
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) requests.push(request.url());
    });
    await page.goto(`file://${htmlFile}`);

    const screenshot = path.join(tempDir, 'sla-report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);

    const bars = async (chart: string) =>
      page.$$eval(`svg#${chart} rect.bar`, (rects) =>
        rects.map((rect) => {
          const box = rect.getBoundingClientRect();
          return { series: rect.getAttribute('data-series'), category: rect.getAttribute('data-category'), value: Number(rect.getAttribute('data-value')), width: box.width, height: box.height };
        }),
      );

    const trend = await bars('chart-trend');
    expect(trend.map((bar) => [bar.category, bar.value])).toEqual([
      ['2026-W45', 6],
      ['2026-W46', 4],
    ]);
    expect(trend.every((bar) => bar.width > 0 && bar.height > 0)).toBe(true);
    expect(trend[0]!.height / trend[1]!.height).toBeCloseTo(6 / 4, 1);
    expect(await page.$$eval('svg#chart-trend circle.point', (points) => points.length)).toBe(4);

    const breaches = await bars('chart-breaches');
    expect(breaches).toHaveLength(6);
    for (const bar of breaches) {
      expect(bar.width).toBeGreaterThan(0);
      expect(bar.height > 0).toBe(bar.value > 0);
    }
    expect(breaches.filter((bar) => bar.series === 'resolution-missed').map((bar) => bar.value)).toEqual([2, 1, 1]);

    const articles = await bars('chart-articles');
    expect(articles.map((bar) => `${bar.category} ${bar.series} ${bar.value}`)).toEqual([
      'en/wifi-connection.md answered 2',
      'en/wifi-connection.md deflected 1',
      'pl/drukarka-nie-drukuje.md answered 2',
      'pl/drukarka-nie-drukuje.md deflected 1',
    ]);
    expect(articles.every((bar) => bar.height > 0 && bar.width > 0)).toBe(true);

    await expect(page.locator('h1').textContent()).resolves.toBe('Raport zgodności z SLA');
    await expect(page.locator('#groups tr.total td').nth(1).textContent()).resolves.toBe('10');
    expect(requests).toEqual([]);
    await page.close();
  });
});
