import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import matter from 'gray-matter';
import type { KbArticleContent, KbAudience, KbLanguage } from '../store/article.model.js';
import { guessLanguage, type DetectLanguage } from './language-guess.js';

/**
 * Reads knowledge-base folders of Markdown articles with YAML front matter. A file that
 * cannot be read or parsed becomes an entry in `errors`; it never stops the import.
 */

/** A file that could not become an article, with the reason in plain words. */
export interface KbFileError {
  source: string;
  /** Path relative to the folder, or '' when the folder itself failed. */
  file: string;
  reason: string;
}

export interface KbLoadResult {
  articles: KbArticleContent[];
  errors: KbFileError[];
}

/** A knowledge-base folder and the label stored as its articles' `source`. */
export interface KbFolder {
  path: string;
  /** Defaults to the folder's name; give one when two folders share a name. */
  source?: string;
}

export interface LoadKbOptions {
  /** Guesses the language of articles whose front matter names none; a local heuristic by default. */
  detectLanguage?: DetectLanguage;
}

/** Larger files are not help articles (or are corrupt) and are rejected unread. */
const MAX_ARTICLE_BYTES = 1024 * 1024;
const FRONT_MATTER_LANGUAGES: readonly KbLanguage[] = ['pl', 'en'];
const FRONT_MATTER_AUDIENCES: readonly KbAudience[] = ['all', 'agents'];

/** Raised for one file that is not a valid article; the loader turns it into a `KbFileError`. */
export class InvalidArticleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidArticleError';
  }
}

function rejectExecutableFrontMatter(): never {
  throw new InvalidArticleError('front matter in JavaScript is not accepted, use YAML');
}

/** gray-matter evaluates `---js` blocks with eval(); these engines refuse them instead. */
const SAFE_MATTER_OPTIONS = {
  engines: { js: rejectExecutableFrontMatter, javascript: rejectExecutableFrontMatter },
};

function isSkippedFile(name: string): boolean {
  return !name.toLowerCase().endsWith('.md') || /^readme\./i.test(name);
}

/** Returns the paths, relative to `root` and with `/` separators, of every article file. */
async function listMarkdownFiles(root: string, relative = ''): Promise<string[]> {
  const entries = await readdir(path.join(root, relative), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) {
      continue;
    }
    const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) {
      files.push(...(await listMarkdownFiles(root, child)));
    } else if ((entry.isFile() || entry.isSymbolicLink()) && !isSkippedFile(entry.name)) {
      // Linked folders are not followed, so a link cycle cannot make the walk endless.
      files.push(child);
    }
  }
  return files;
}

function optionalString(data: Record<string, unknown>, key: string): string | undefined {
  const value = data[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value === 'string' || typeof value === 'number') {
    const text = String(value).trim();
    return text === '' ? undefined : text;
  }
  throw new InvalidArticleError(`front matter field "${key}" must be text`);
}

function stringList(data: Record<string, unknown>, key: string): string[] {
  const value = data[key];
  if (value === undefined || value === null) {
    return [];
  }
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => {
    if (typeof item !== 'string' && typeof item !== 'number') {
      throw new InvalidArticleError(`front matter field "${key}" must be a list of words or phrases`);
    }
    return String(item).trim();
  }).filter((item) => item !== '');
}

function oneOf<T extends string>(data: Record<string, unknown>, key: string, allowed: readonly T[]): T | undefined {
  const value = optionalString(data, key)?.toLowerCase();
  if (value === undefined) {
    return undefined;
  }
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InvalidArticleError(`front matter field "${key}" is "${value}", expected one of: ${allowed.join(', ')}`);
  }
  return value as T;
}

function titleFromFileName(articleId: string): string {
  return path.posix.basename(articleId).replace(/\.md$/i, '').replace(/[-_]+/g, ' ').trim();
}

function firstHeading(body: string): string | undefined {
  const heading = /^#[ \t]+(.+?)[ \t#]*$/m.exec(body);
  return heading?.[1]?.trim() || undefined;
}

function decodeUtf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new InvalidArticleError('file is not valid UTF-8 text');
  }
}

/**
 * Parses one article file. Throws `InvalidArticleError` for invalid front matter, an
 * unknown language or audience, or a file with no text.
 */
export function parseKbArticle(bytes: Buffer, articleId: string, source: string, options: LoadKbOptions = {}): KbArticleContent {
  const text = decodeUtf8(bytes);
  let parsed: { data: Record<string, unknown>; content: string };
  try {
    parsed = matter(text, SAFE_MATTER_OPTIONS);
  } catch (error) {
    if (error instanceof InvalidArticleError) {
      throw error;
    }
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new InvalidArticleError(`invalid front matter: ${detail}`);
  }
  const data = parsed.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InvalidArticleError('front matter must be a mapping of fields');
  }

  const body = parsed.content.trim();
  if (body === '') {
    throw new InvalidArticleError('article has no text after the front matter');
  }
  const title = optionalString(data, 'title') ?? firstHeading(body) ?? titleFromFileName(articleId);
  const detect = options.detectLanguage ?? guessLanguage;
  const language = oneOf(data, 'language', FRONT_MATTER_LANGUAGES) ?? detect(`${title}\n${body}`).language;

  return {
    articleId,
    source,
    title,
    language,
    tags: stringList(data, 'tags'),
    audience: oneOf(data, 'audience', FRONT_MATTER_AUDIENCES) ?? 'all',
    synonyms: stringList(data, 'synonyms'),
    body,
    contentHash: createHash('sha256').update(bytes).digest('hex'),
  };
}

async function readArticleFile(root: string, articleId: string, source: string, options: LoadKbOptions): Promise<KbArticleContent> {
  const file = path.join(root, ...articleId.split('/'));
  const info = await stat(file);
  if (!info.isFile()) {
    throw new InvalidArticleError('not a regular file');
  }
  if (info.size > MAX_ARTICLE_BYTES) {
    throw new InvalidArticleError(`file has ${info.size} bytes, more than the limit of ${MAX_ARTICLE_BYTES}`);
  }
  return parseKbArticle(await readFile(file), articleId, source, options);
}

function describeError(error: unknown): string {
  if (error instanceof InvalidArticleError) {
    return error.message;
  }
  // Node's file-system messages already name the code, the call and the path.
  return `cannot read file: ${error instanceof Error ? error.message : String(error)}`;
}

/** Returns the label of a knowledge-base folder: its name, e.g. "kb" for /srv/linia/kb. */
export function kbSourceLabel(folder: string): string {
  return path.basename(path.resolve(folder));
}

/** Returns the folder's path and its source label, defaulting the label to the folder's name. */
export function resolveKbFolder(folder: string | KbFolder): { path: string; source: string } {
  if (typeof folder === 'string') {
    return { path: folder, source: kbSourceLabel(folder) };
  }
  return { path: folder.path, source: folder.source ?? kbSourceLabel(folder.path) };
}

/** Reads every `*.md` file under `folder`, recursively; README files are skipped. */
export async function loadKbFolder(folder: string | KbFolder, options: LoadKbOptions = {}): Promise<KbLoadResult> {
  const { path: root, source } = resolveKbFolder(folder);
  const result: KbLoadResult = { articles: [], errors: [] };
  let files: string[];
  try {
    files = await listMarkdownFiles(root);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    result.errors.push({ source, file: '', reason: `cannot read folder ${root}: ${detail}` });
    return result;
  }
  for (const articleId of files) {
    try {
      result.articles.push(await readArticleFile(root, articleId, source, options));
    } catch (error) {
      result.errors.push({ source, file: articleId, reason: describeError(error) });
    }
  }
  return result;
}

/**
 * Reads several folders. A folder listed twice is read once; two different folders with
 * the same label are reported, not merged, because the label is the articles' `source`.
 */
export async function loadKbFolders(
  folders: ReadonlyArray<string | KbFolder>,
  options: LoadKbOptions = {},
): Promise<KbLoadResult> {
  const result: KbLoadResult = { articles: [], errors: [] };
  const pathsBySource = new Map<string, string>();
  for (const folder of folders) {
    const { path: root, source } = resolveKbFolder(folder);
    const earlier = pathsBySource.get(source);
    if (earlier === path.resolve(root)) {
      continue;
    }
    if (earlier !== undefined) {
      result.errors.push({ source, file: '', reason: `folder ${root} has the same label as ${earlier}; give one of them another source label` });
      continue;
    }
    pathsBySource.set(source, path.resolve(root));
    const loaded = await loadKbFolder({ path: root, source }, options);
    result.articles.push(...loaded.articles);
    result.errors.push(...loaded.errors);
  }
  return result;
}
