import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadKbFolder } from '../../src/kb/markdown-article.js';
import { createBm25Matcher, DEFAULT_CONFIDENCE_THRESHOLD, type KbMatcher } from '../../src/kb/matcher.js';
import { SHARED_KB } from './kb-paths.js';

const hasSharedKb = existsSync(SHARED_KB);
if (!hasSharedKb) {
  // Reported once so a skipped run is not mistaken for a pass of these checks.
  console.warn(`public test articles not found at ${SHARED_KB}; set LINIA_DATA_DIR to run tests/kb/shared-data.test.ts`);
}
const describeWithData = hasSharedKb ? describe : describe.skip;

describeWithData('public test articles', () => {
  let matcher: KbMatcher;

  beforeAll(async () => {
    matcher = createBm25Matcher((await loadKbFolder(SHARED_KB)).articles);
  });

  it('load without errors, one article per manifest line', async () => {
    const manifest = (await readFile(path.join(SHARED_KB, 'MANIFEST.jsonl'), 'utf8'))
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { file: string; language: string });

    const result = await loadKbFolder(SHARED_KB);

    expect(result.errors).toEqual([]);
    expect(result.articles).toHaveLength(manifest.length);
    const detected = new Map(result.articles.map((article) => [`kb/${article.articleId}`, article.language]));
    const wrong = manifest.filter((entry) => detected.get(entry.file) !== entry.language).map((entry) => entry.file);
    expect(wrong).toEqual([]);
  });

  it.each([
    ['Zaciął się papier w drukarce, jak go wyjąć?', 'printing-paperjam.md'],
    ['How do I cancel a print job that is stuck?', 'printing-cancel-job.md'],
    ['Bateria w laptopie się nie ładuje', 'battery-wont-charge.md'],
    ['OneDrive nie synchronizuje moich plików', 'fix-onedrive-sync-issues.md'],
    ['My bluetooth headset will not connect', 'bluetooth-problem-connecting.md'],
    ['Gdzie znajdę klucz odzyskiwania BitLocker?', 'bitlocker-recovery-keys.md'],
    ['I deleted a file by mistake, can I get it back from the trash?', 'files-recover.md'],
    ['Outlook ciągle się zawiesza', 'outlook-crash-troubleshooting-steps.md'],
    ['Jak ustawić automatyczną odpowiedź, bo jadę na urlop?', 'outlook-out-of-office.md'],
    ['How much free disk space is left on my computer?', 'disk-capacity.md'],
  ])('answer "%s" with %s', (query, fileName) => {
    const [match] = matcher.search(query);

    expect(match?.articleId.endsWith(`/${fileName}`)).toBe(true);
    expect(match?.confidence).toBeGreaterThanOrEqual(DEFAULT_CONFIDENCE_THRESHOLD);
  });

  it.each(['Czy mogę wziąć urlop w piątek?', 'When is the Christmas party this year?', 'the coffee machine is broken again'])(
    'keep "%s" below the threshold',
    (query) => {
      expect(matcher.search(query)[0]?.confidence ?? 0).toBeLessThan(DEFAULT_CONFIDENCE_THRESHOLD);
    },
  );
});
