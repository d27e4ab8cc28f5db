import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { InvalidQueryFileError, parseEvalQueries, type EvalQuery } from '../../src/kb/eval-queries.js';
import { evaluateMatcher, percentile } from '../../src/kb/evaluate.js';
import type { KbMatch, KbMatcher } from '../../src/kb/matcher.js';
import { confidenceThresholdFor } from '../../src/kb/thresholds.js';

function match(articleId: string, confidence: number): KbMatch {
  return { articleId, source: 'kb', title: articleId, language: 'en', score: confidence, confidence, matchedTerms: [] };
}

/** A matcher that returns fixed results per query text. */
function fixedMatcher(results: Record<string, KbMatch[]>): KbMatcher {
  return { size: 3, search: (query) => results[query] ?? [] };
}

function query(id: string, language: string, expected: string | null, alsoAcceptable: string[] = []): EvalQuery {
  return { id, query: id, language, expectedArticle: expected, alsoAcceptable, category: null };
}

describe('evaluateMatcher', () => {
  const articles = [
    { articleId: 'a.md', source: 'kb' },
    { articleId: 'b.md', source: 'kb' },
    { articleId: 'c.md', source: 'kb' },
  ];
  const matcher = fixedMatcher({
    correct: [match('a.md', 0.9)],
    acceptable: [match('b.md', 0.5), match('a.md', 0.4)],
    'correct-low': [match('a.md', 0.1)],
    wrong: [match('c.md', 0.8), match('a.md', 0.2)],
    'null-answered': [match('c.md', 0.6)],
    'null-abstained': [match('c.md', 0.2)],
    'null-empty': [],
  });
  const queries = [
    query('correct', 'en', 'a.md'),
    query('acceptable', 'pl', 'a.md', ['kb/b.md']),
    query('correct-low', 'pl', 'a.md'),
    query('wrong', 'en', 'a.md'),
    query('null-answered', 'en', null),
    query('null-abstained', 'pl', null),
    query('null-empty', 'pl', null),
  ];
  const report = evaluateMatcher(matcher, articles, queries, { thresholdFor: () => 0.3 });

  it('computes P@1 over answerable queries', () => {
    expect(report.overall.answerable).toBe(4);
    expect(report.overall.precisionAt1).toBeCloseTo(2 / 4);
  });

  it('computes recall@3 without the threshold', () => {
    expect(report.overall.recallAt3).toBeCloseTo(4 / 4);
  });

  it('counts wrong answers over all queries', () => {
    expect(report.overall.wrongAnswerRate).toBeCloseTo(2 / 7);
  });

  it('computes abstention over unanswerable queries', () => {
    expect(report.overall.abstentionRate).toBeCloseTo(2 / 3);
  });

  it('splits the metrics by language', () => {
    expect(report.byLanguage.en?.queries).toBe(3);
    expect(report.byLanguage.en?.precisionAt1).toBeCloseTo(1 / 2);
    expect(report.byLanguage.pl?.precisionAt1).toBeCloseTo(1 / 2);
    expect(report.byLanguage.pl?.abstentionRate).toBeCloseTo(1);
  });

  it('names each outcome', () => {
    const outcomes = Object.fromEntries(report.results.map((result) => [result.id, result.outcome]));
    expect(outcomes).toEqual({
      correct: 'correct',
      acceptable: 'correct',
      'correct-low': 'abstained',
      wrong: 'wrong_answer',
      'null-answered': 'wrong_answer',
      'null-abstained': 'abstained',
      'null-empty': 'abstained',
    });
  });

  it('reports labels that name no article', () => {
    const withTypo = evaluateMatcher(matcher, articles, [query('correct', 'en', 'a.md', ['missing.md'])], { thresholdFor: () => 0.3 });
    expect(withTypo.unknownLabels).toEqual(['missing.md']);
  });
});

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_value, index) => index + 1);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile([], 0.5)).toBe(0);
  });
});

describe('parseEvalQueries', () => {
  it('reads the documented fields', () => {
    const [parsed] = parseEvalQueries('{"id":"q1","query":"VPN","language":"EN","expected_article":"en/vpn.md","also_acceptable":["pl/vpn.md"]}\n');
    expect(parsed).toEqual({ id: 'q1', query: 'VPN', language: 'en', expectedArticle: 'en/vpn.md', alsoAcceptable: ['pl/vpn.md'], category: null });
  });

  it('names the line of invalid JSON', () => {
    expect(() => parseEvalQueries('{"id":"q1","query":"a","language":"en","expected_article":null}\n{oops', 'dev.jsonl')).toThrow(
      /dev\.jsonl:2: not valid JSON/,
    );
  });

  it('rejects a missing expected_article field', () => {
    expect(() => parseEvalQueries('{"id":"q1","query":"a","language":"en"}')).toThrow(InvalidQueryFileError);
  });

  it('rejects duplicate ids', () => {
    const line = '{"id":"q1","query":"a","language":"en","expected_article":null}';
    expect(() => parseEvalQueries(`${line}\n${line}`)).toThrow(/appears twice/);
  });
});

describe('confidenceThresholdFor', () => {
  const policy = { confidenceThreshold: 0.4, categoryThresholds: { Hardware: 0.6 } };

  it('uses the category threshold, ignoring case', () => {
    expect(confidenceThresholdFor(policy, 'hardware')).toBe(0.6);
  });

  it('falls back to the policy threshold, then the default', () => {
    expect(confidenceThresholdFor(policy, 'Access')).toBe(0.4);
    expect(confidenceThresholdFor({}, 'Access')).toBe(0.3);
  });
});

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');

describe('linia kb eval', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'linia-kb-eval-'));
    await mkdir(path.join(dir, 'kb', 'pl'), { recursive: true });
    await writeFile(
      path.join(dir, 'kb', 'pl', 'drukarka.md'),
      '---\ntitle: Drukarka nie drukuje\nlanguage: pl\ntags: [drukarka]\n---\nSprawdź papier i kolejkę wydruku drukarki.\n',
    );
    await writeFile(
      path.join(dir, 'kb', 'pl', 'vpn.md'),
      '---\ntitle: VPN nie łączy\nlanguage: pl\ntags: [vpn]\n---\nUruchom ponownie klienta VPN i sprawdź internet.\n',
    );
    const lines = [
      { id: 'p1', query: 'drukarka nie drukuje', language: 'pl', expected_article: 'pl/drukarka.md', also_acceptable: [] },
      { id: 'p2', query: 'vpn nie laczy', language: 'pl', expected_article: 'pl/vpn.md', also_acceptable: [] },
      { id: 'n1', query: 'ile dni urlopu mi zostało', language: 'pl', expected_article: null, also_acceptable: [] },
    ];
    await writeFile(path.join(dir, 'queries.jsonl'), `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function linia(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [path.join(ROOT, 'bin', 'linia.js'), ...args], {
        cwd: ROOT,
        // No MONGODB_URI and no server: the command must not need one.
        env: { PATH: process.env.PATH, HOME: process.env.HOME, LINIA_LANG: 'en' },
        timeout: 60_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  }

  it('prints the metrics as JSON without any server', async () => {
    const result = await linia(['kb', 'eval', '--kb', path.join(dir, 'kb'), '--queries', path.join(dir, 'queries.jsonl'), '--json']);

    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.overall).toMatchObject({ queries: 3, answerable: 2, unanswerable: 1, precisionAt1: 1, recallAt3: 1, wrongAnswerRate: 0, abstentionRate: 1 });
    expect(Object.keys(report.byLanguage)).toEqual(['pl']);
    expect(report.latencyMs.p99).toBeGreaterThanOrEqual(report.latencyMs.p50);
    expect(report.results.map((entry: { id: string; outcome: string }) => [entry.id, entry.outcome])).toEqual([
      ['p1', 'correct'],
      ['p2', 'correct'],
      ['n1', 'abstained'],
    ]);
  });

  it('prints a table in text mode', async () => {
    const result = await linia(['kb', 'eval', '--kb', path.join(dir, 'kb'), '--queries', path.join(dir, 'queries.jsonl')]);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/P@1 \(answerable\)\s+1\.000\s+1\.000/);
    expect(result.stdout).toContain('latency per query: p50');
  });

  it('exits 1 with the line number of a bad query', async () => {
    await writeFile(path.join(dir, 'bad.jsonl'), '{"id":"x","query":"a","language":"pl","expected_article":null}\nnot json\n');
    const result = await linia(['kb', 'eval', '--kb', path.join(dir, 'kb'), '--queries', path.join(dir, 'bad.jsonl')]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('bad.jsonl:2: not valid JSON');
  });
});
