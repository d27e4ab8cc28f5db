/**
 * Knowledge-base benchmark: builds a synthetic knowledge base of 10,000 articles from the
 * real ones, then reports the index build time and the search latency per query.
 *
 *   npm run bench:kb
 *
 * Settings: LINIA_DATA_DIR (folder with kb/, default ../shared/data; the bundled
 * examples/kb when missing), KB_BENCH_ARTICLES (default 10000), KB_BENCH_SEARCHES
 * (default 5000).
 *
 * Latencies are wall-clock times, so other processes on the machine lengthen them. The
 * output therefore records the one-minute load average before and after the run.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseEvalQueries } from '../src/kb/eval-queries.js';
import { loadKbFolder } from '../src/kb/markdown-article.js';
import { createBm25Matcher, type MatchableArticle } from '../src/kb/matcher.js';
import { intSetting, machineLine, percentile } from './bench-support.js';

const ROOT = path.resolve(__dirname, '..', '..');

function kbFolder(): string {
  const shared = path.join(process.env.LINIA_DATA_DIR ?? path.resolve(ROOT, '..', 'shared', 'data'), 'kb');
  return existsSync(shared) ? shared : path.join(ROOT, 'examples', 'kb');
}

/** A small seeded generator (mulberry32), so every run builds the same knowledge base. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Builds `count` articles: each copies a real article's title and tags, takes its
 * paragraphs in a shuffled order plus two paragraphs of another article, and adds a
 * product name and a site of its own, so the vocabulary grows as it does in a real
 * knowledge base with many similar articles.
 */
function synthesize(real: readonly MatchableArticle[], count: number): MatchableArticle[] {
  const random = seededRandom(20261204);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const paragraphs = real.map((article) => article.body.split(/\n{2,}/).filter((paragraph) => paragraph.trim() !== ''));
  const articles: MatchableArticle[] = [];
  for (let index = 0; index < count; index++) {
    const baseIndex = index % real.length;
    const base = real[baseIndex] as MatchableArticle;
    const own = [...(paragraphs[baseIndex] ?? [])].sort(() => random() - 0.5);
    const other = pick(paragraphs);
    const product = `prod${Math.floor(random() * 5000).toString(36)}`;
    const site = `site${Math.floor(random() * 300)}`;
    articles.push({
      ...base,
      articleId: `synthetic/${index}-${base.articleId}`,
      title: `${base.title} ${product}`,
      tags: [...base.tags, site],
      body: [...own, pick(other), pick(other), `${product} ${site}`].join('\n\n'),
    });
  }
  return articles;
}

async function main(): Promise<void> {
  const loadBefore = os.loadavg()[0] ?? 0;
  const articleCount = intSetting('KB_BENCH_ARTICLES', 10_000);
  const searches = intSetting('KB_BENCH_SEARCHES', 5_000);
  const folder = kbFolder();
  const { articles: real } = await loadKbFolder(folder);
  const queries = parseEvalQueries(readFileSync(path.join(ROOT, 'examples', 'kb-eval', 'dev-queries.jsonl'), 'utf8'));
  const articles = synthesize(real, articleCount);

  const buildStarted = performance.now();
  const matcher = createBm25Matcher(articles);
  const buildMs = performance.now() - buildStarted;

  // One untimed pass warms up the JIT compiler, as a running worker is warm.
  for (const query of queries) {
    matcher.search(query.query, { language: query.language, limit: 3 });
  }
  const latencies: number[] = [];
  for (let index = 0; index < searches; index++) {
    const query = queries[index % queries.length] as (typeof queries)[number];
    const started = performance.now();
    matcher.search(query.query, { language: query.language, limit: 3 });
    latencies.push(performance.now() - started);
  }

  const figures = {
    machine: machineLine(),
    loadAverage1m: { before: Number(loadBefore.toFixed(2)), after: Number((os.loadavg()[0] ?? 0).toFixed(2)) },
    source: folder,
    realArticles: real.length,
    articles: matcher.size,
    buildMs: Number(buildMs.toFixed(1)),
    searches,
    latencyMs: {
      p50: Number(percentile(latencies, 0.5).toFixed(3)),
      p90: Number(percentile(latencies, 0.9).toFixed(3)),
      p99: Number(percentile(latencies, 0.99).toFixed(3)),
      max: Number(percentile(latencies, 1).toFixed(3)),
    },
    heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1024 / 1024),
  };
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:kb failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
