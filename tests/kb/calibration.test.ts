import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEvalQueries, type EvalQuery } from '../../src/kb/eval-queries.js';
import { loadKbFolder, loadKbFolders } from '../../src/kb/markdown-article.js';
import { createBm25Matcher, DEFAULT_CONFIDENCE_THRESHOLD, type KbMatcher } from '../../src/kb/matcher.js';
import { EXAMPLES_KB, SHARED_KB } from './kb-paths.js';

/**
 * Calibration: an answer at or above a confidence threshold must be right about as often
 * in Polish as in English, so that one threshold means the same in both languages.
 */

/** Largest allowed difference between the Polish and the English precision. */
const MAX_PRECISION_GAP = 0.05;

interface LanguagePrecision {
  answered: number;
  correct: number;
  precision: number;
}

/** Returns, per language, the share of answers at or above `threshold` whose article is a labelled answer. */
function precisionByLanguage(matcher: KbMatcher, queries: readonly EvalQuery[], threshold: number): Record<string, LanguagePrecision> {
  const byLanguage: Record<string, LanguagePrecision> = {};
  for (const query of queries) {
    const [best] = matcher.search(query.query, { language: query.language, limit: 1 });
    if (!best || best.confidence < threshold) {
      continue;
    }
    const entry = (byLanguage[query.language] ??= { answered: 0, correct: 0, precision: 0 });
    const labels = [best.articleId, `${best.source}/${best.articleId}`];
    const accepted = [query.expectedArticle, ...query.alsoAcceptable];
    entry.answered++;
    if (labels.some((label) => accepted.includes(label))) {
      entry.correct++;
    }
    entry.precision = entry.correct / entry.answered;
  }
  return byLanguage;
}

function query(id: string, language: string, text: string, expected: string | null): EvalQuery {
  return { id, query: text, language, expectedArticle: expected, alsoAcceptable: [], category: null };
}

/**
 * The same questions in Polish and English, against the bundled examples, which hold
 * each answer in both languages. Unanswerable questions are labelled null.
 */
const PARALLEL_QUERIES: readonly EvalQuery[] = [
  query('pl-1', 'pl', 'Zapomniałem hasła do komputera, jak je zresetować?', 'pl/reset-hasla.md'),
  query('en-1', 'en', 'I forgot my computer password, how do I reset it?', 'en/password-reset.md'),
  query('pl-2', 'pl', 'konto zablokowane po kilku nieudanych logowaniach', 'pl/konto-zablokowane.md'),
  query('en-2', 'en', 'account locked after a few failed sign-ins', 'en/account-locked.md'),
  query('pl-3', 'pl', 'drukarka na drugim pietrze nie drukuje', 'pl/drukarka-nie-drukuje.md'),
  query('en-3', 'en', 'the printer on the second floor does not print', 'en/printer-not-printing.md'),
  query('pl-4', 'pl', 'VPN nie łączy się z domu, pokazuje błąd', 'pl/vpn-nie-laczy.md'),
  query('en-4', 'en', 'VPN does not connect from home, it shows an error', 'en/vpn-not-connecting.md'),
  query('pl-5', 'pl', 'Wi-Fi w biurze ciągle się rozłącza', 'pl/wifi-w-biurze.md'),
  query('en-5', 'en', 'the office Wi-Fi keeps disconnecting', 'en/wifi-connection.md'),
  query('pl-6', 'pl', 'jak skonfigurować pocztę służbową na nowym telefonie', 'pl/poczta-na-telefonie.md'),
  query('en-6', 'en', 'how do I set up company mail on my new phone', 'en/mail-on-phone.md'),
  query('pl-7', 'pl', 'Mam nowy telefon i muszę przenieść uwierzytelnianie MFA', 'pl/mfa-nowy-telefon.md'),
  query('en-7', 'en', 'I have a new phone and need to move MFA', 'en/mfa-new-phone.md'),
  query('pl-8', 'pl', 'prosze o instalacje programu Visual Studio Code', 'pl/instalacja-oprogramowania.md'),
  query('en-8', 'en', 'please install the Visual Studio Code program', 'en/software-installation-request.md'),
  query('pl-9', 'pl', 'Kiedy jest wigilia firmowa w tym roku?', null),
  query('en-9', 'en', 'When is the company Christmas party this year?', null),
  query('pl-10', 'pl', 'ekspres do kawy w kuchni znowu nie działa', null),
  query('en-10', 'en', 'the coffee machine in the kitchen is broken again', null),
  query('pl-11', 'pl', 'proszę o zarezerwowanie dużej sali na czwartek', null),
  query('en-11', 'en', 'please book the big meeting room for Thursday', null),
];

describe('confidence calibration', () => {
  describe('on parallel Polish and English questions', () => {
    let matcher: KbMatcher;

    beforeAll(async () => {
      const { articles } = await loadKbFolder(EXAMPLES_KB);
      matcher = createBm25Matcher(articles);
    });

    it('answers as many questions in each language', () => {
      const byLanguage = precisionByLanguage(matcher, PARALLEL_QUERIES, DEFAULT_CONFIDENCE_THRESHOLD);

      expect(byLanguage.pl?.answered).toBe(byLanguage.en?.answered);
    });

    it('gives the same precision above the threshold in each language', () => {
      const byLanguage = precisionByLanguage(matcher, PARALLEL_QUERIES, DEFAULT_CONFIDENCE_THRESHOLD);

      expect(byLanguage.pl?.answered).toBeGreaterThanOrEqual(6);
      expect(byLanguage.en?.answered).toBeGreaterThanOrEqual(6);
      expect(Math.abs((byLanguage.pl?.precision ?? 0) - (byLanguage.en?.precision ?? 0))).toBeLessThanOrEqual(MAX_PRECISION_GAP);
    });
  });

  const devQueriesFile = path.resolve(__dirname, '..', '..', 'examples', 'kb-eval', 'dev-queries.jsonl');
  const describeWithData = existsSync(SHARED_KB) ? describe : describe.skip;

  describeWithData('on the dev query set', () => {
    let matcher: KbMatcher;
    let queries: EvalQuery[];

    beforeAll(async () => {
      const { articles } = await loadKbFolders([SHARED_KB]);
      matcher = createBm25Matcher(articles);
      queries = parseEvalQueries(readFileSync(devQueriesFile, 'utf8'));
    });

    it.each([DEFAULT_CONFIDENCE_THRESHOLD, 0.5])('gives the same precision at or above %s in each language', (threshold) => {
      const byLanguage = precisionByLanguage(matcher, queries, threshold);

      expect(byLanguage.pl?.answered).toBeGreaterThanOrEqual(20);
      expect(byLanguage.en?.answered).toBeGreaterThanOrEqual(20);
      expect(Math.abs((byLanguage.pl?.precision ?? 0) - (byLanguage.en?.precision ?? 0))).toBeLessThanOrEqual(MAX_PRECISION_GAP);
    });
  });
});
