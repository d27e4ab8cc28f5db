import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runKbEval } from '../../src/cli/kb-eval-command.js';
import { SHARED_KB } from './kb-paths.js';

/**
 * Runs the evaluation of the dev query set and compares it with the figures recorded in
 * docs/benchmarks-kb.json, so a matcher change that costs answer quality fails here.
 */

interface RecordedBenchmark {
  threshold: number;
  devSet: { precisionAt1: number; wrongAnswerRate: number; queries: number };
  allowedRegression: number;
}

const ROOT = path.resolve(__dirname, '..', '..');
const DEV_QUERIES = path.join(ROOT, 'examples', 'kb-eval', 'dev-queries.jsonl');
const RECORDED = JSON.parse(readFileSync(path.join(ROOT, 'docs', 'benchmarks-kb.json'), 'utf8')) as RecordedBenchmark;

const hasSharedKb = existsSync(SHARED_KB);
if (!hasSharedKb) {
  console.warn(`public test articles not found at ${SHARED_KB}; set LINIA_DATA_DIR to run tests/kb/eval-regression.test.ts`);
}
const describeWithData = hasSharedKb ? describe : describe.skip;

describeWithData('kb eval on the dev query set', () => {
  let report: Awaited<ReturnType<typeof runKbEval>>['report'];

  beforeAll(async () => {
    ({ report } = await runKbEval({ kb: [SHARED_KB], queries: DEV_QUERIES, policy: { confidenceThreshold: RECORDED.threshold } }));
  });

  it('evaluates every labelled query', () => {
    expect(report.overall.queries).toBe(RECORDED.devSet.queries);
    expect(report.unknownLabels).toEqual([]);
  });

  it('keeps P@1 within the allowed regression', () => {
    expect(report.overall.precisionAt1).toBeGreaterThanOrEqual(RECORDED.devSet.precisionAt1 - RECORDED.allowedRegression);
  });

  it('keeps the wrong-answer rate within the allowed regression', () => {
    expect(report.overall.wrongAnswerRate).toBeLessThanOrEqual(RECORDED.devSet.wrongAnswerRate + RECORDED.allowedRegression);
  });
});
