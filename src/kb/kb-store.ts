import { getLogger } from '../logging/logger.js';
import { KbArticleModel, type KbArticle, type KbArticleContent, type KbAudience } from '../store/article.model.js';
import { loadKbFolders, resolveKbFolder, type KbFileError, type KbFolder, type LoadKbOptions } from './markdown-article.js';

/**
 * Imports knowledge-base folders into the `kb_articles` collection and reads them back.
 * The caller connects mongoose first. Imports are incremental: a file whose SHA-256 is
 * unchanged is not written, so `updatedAt` moves only when an article really changes.
 */

const log = getLogger('kb-store');

export interface ImportReport {
  inserted: number;
  updated: number;
  /** Files whose content hash matches the stored article. */
  skipped: number;
  /** Stored articles whose file is gone from a folder that was read successfully. */
  removed: number;
  /** Files that could not be read, parsed or written; see `errors`. */
  failed: number;
  errors: KbFileError[];
}

/** An article without its body, for listings. */
export interface KbArticleSummary {
  source: string;
  articleId: string;
  title: string;
  language: string;
  audience: KbAudience;
  tags: string[];
  updatedAt: Date;
}

export interface ImportOptions extends LoadKbOptions {
  /** Clock for `importedAt` and `updatedAt`; the system clock by default. */
  now?: () => Date;
}

function articleKey(source: string, articleId: string): string {
  return `${source}\u0000${articleId}`;
}

function contentFields(article: KbArticleContent): KbArticleContent {
  const { articleId, source, title, language, tags, audience, synonyms, body, contentHash } = article;
  return { articleId, source, title, language, tags, audience, synonyms, body, contentHash };
}

async function writeArticle(article: KbArticleContent, exists: boolean, now: Date): Promise<void> {
  if (exists) {
    await KbArticleModel.updateOne(
      { source: article.source, articleId: article.articleId },
      { $set: { ...contentFields(article), updatedAt: now } },
    );
    return;
  }
  await KbArticleModel.create({ ...contentFields(article), importedAt: now, updatedAt: now });
}

/**
 * Removes stored articles of `sources` whose files are gone. Files that exist but failed
 * to parse keep their last good version, so a broken edit does not take an answer away.
 */
async function removeVanished(
  sources: ReadonlySet<string>,
  storedKeys: ReadonlyMap<string, { source: string; articleId: string }>,
  presentKeys: ReadonlySet<string>,
): Promise<number> {
  let removed = 0;
  for (const source of sources) {
    const vanished = [...storedKeys.entries()]
      .filter(([key, stored]) => stored.source === source && !presentKeys.has(key))
      .map(([, stored]) => stored.articleId);
    if (vanished.length > 0) {
      const result = await KbArticleModel.deleteMany({ source, articleId: { $in: vanished } });
      removed += result.deletedCount;
      log.info({ source, articleIds: vanished }, 'knowledge-base articles removed');
    }
  }
  return removed;
}

/**
 * Imports every article of `folders`: new files are inserted, changed ones updated,
 * unchanged ones skipped, and articles whose files were deleted are removed. A bad file
 * becomes an entry of `errors` and never stops the import.
 */
export async function importKbFolders(folders: ReadonlyArray<string | KbFolder>, options: ImportOptions = {}): Promise<ImportReport> {
  const now = options.now ?? (() => new Date());
  const loaded = await loadKbFolders(folders, options);
  const report: ImportReport = { inserted: 0, updated: 0, skipped: 0, removed: 0, failed: loaded.errors.length, errors: [...loaded.errors] };

  const unreadableSources = new Set(loaded.errors.filter((error) => error.file === '').map((error) => error.source));
  const sources = new Set(folders.map((folder) => resolveKbFolder(folder).source));

  const stored = await KbArticleModel.find({ source: { $in: [...sources] } }, { source: 1, articleId: 1, contentHash: 1 }).lean();
  const storedHashes = new Map(stored.map((article) => [articleKey(article.source, article.articleId), article.contentHash]));
  const storedKeys = new Map(stored.map((article) => [articleKey(article.source, article.articleId), article]));
  const presentKeys = new Set(loaded.errors.map((error) => articleKey(error.source, error.file)));

  for (const article of loaded.articles) {
    const key = articleKey(article.source, article.articleId);
    presentKeys.add(key);
    const storedHash = storedHashes.get(key);
    if (storedHash === article.contentHash) {
      report.skipped++;
      continue;
    }
    try {
      await writeArticle(article, storedHash !== undefined, now());
      if (storedHash === undefined) {
        report.inserted++;
      } else {
        report.updated++;
      }
    } catch (error) {
      const reason = `cannot store article: ${error instanceof Error ? error.message : String(error)}`;
      report.failed++;
      report.errors.push({ source: article.source, file: article.articleId, reason });
    }
  }

  const readableSources = new Set([...sources].filter((source) => !unreadableSources.has(source)));
  report.removed = await removeVanished(readableSources, storedKeys, presentKeys);

  for (const error of report.errors) {
    log.warn({ source: error.source, file: error.file, reason: error.reason }, 'knowledge-base file not imported');
  }
  const { inserted, updated, skipped, removed, failed } = report;
  log.info({ inserted, updated, skipped, removed, failed }, 'knowledge base imported');
  return report;
}

/** Returns every stored article with its body, ordered by source and id. */
export async function loadArticles(): Promise<KbArticle[]> {
  const documents = await KbArticleModel.find({}, { _id: 0 }).sort({ source: 1, articleId: 1 }).lean();
  return documents.map((document) => ({
    articleId: document.articleId,
    source: document.source,
    title: document.title,
    language: document.language,
    tags: document.tags,
    audience: document.audience,
    synonyms: document.synonyms,
    body: document.body,
    contentHash: document.contentHash,
    importedAt: document.importedAt,
    updatedAt: document.updatedAt,
  }));
}

/** Returns every stored article without its body, ordered by source and id. */
export async function listArticles(): Promise<KbArticleSummary[]> {
  const documents = await KbArticleModel.find({}, { source: 1, articleId: 1, title: 1, language: 1, audience: 1, tags: 1, updatedAt: 1 })
    .sort({ source: 1, articleId: 1 })
    .lean();
  return documents.map((document) => ({
    source: document.source,
    articleId: document.articleId,
    title: document.title,
    language: document.language,
    audience: document.audience,
    tags: document.tags,
    updatedAt: document.updatedAt,
  }));
}

/**
 * Returns a value that changes whenever the stored articles change: their count and the
 * latest `updatedAt`. Inserts and updates move the date; removals change the count.
 */
export async function readKbFingerprint(): Promise<string> {
  const [count, latest] = await Promise.all([
    KbArticleModel.countDocuments({}),
    KbArticleModel.findOne({}, { updatedAt: 1 }).sort({ updatedAt: -1 }).lean(),
  ]);
  return `${count}:${latest?.updatedAt?.getTime() ?? 0}`;
}
