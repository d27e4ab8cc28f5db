import { getLogger } from '../logging/logger.js';
import type { KbArticle } from '../store/article.model.js';
import { loadArticles, readKbFingerprint } from './kb-store.js';
import { createBm25Matcher, type KbMatch, type KbMatcher, type KbSearchOptions, type MatchableArticle } from './matcher.js';

/**
 * The knowledge-base matcher of a running process. `refresh()` rebuilds it from the store
 * only when the stored articles changed, so a worker picks up a re-import without a
 * restart and without re-reading every article on each call.
 */

const log = getLogger('kb-index');

export interface KbIndexOptions {
  /** Reads every article; `loadArticles` from the store by default. */
  loadArticles?: () => Promise<KbArticle[]>;
  /** Returns a value that changes whenever the articles change; count and latest update by default. */
  readFingerprint?: () => Promise<string>;
  /** Builds a matcher; the BM25F matcher by default. */
  createMatcher?: (articles: readonly MatchableArticle[]) => KbMatcher;
}

export class KbIndex {
  private current: KbMatcher;
  private fingerprint: string | undefined;
  private pending: Promise<boolean> | undefined;
  private readonly loadArticles: () => Promise<KbArticle[]>;
  private readonly readFingerprint: () => Promise<string>;
  private readonly createMatcher: (articles: readonly MatchableArticle[]) => KbMatcher;

  constructor(options: KbIndexOptions = {}) {
    this.loadArticles = options.loadArticles ?? loadArticles;
    this.readFingerprint = options.readFingerprint ?? readKbFingerprint;
    this.createMatcher = options.createMatcher ?? ((articles) => createBm25Matcher(articles));
    this.current = this.createMatcher([]);
  }

  /** The matcher built by the last successful refresh; empty before the first one. */
  get matcher(): KbMatcher {
    return this.current;
  }

  search(query: string, options?: KbSearchOptions): KbMatch[] {
    return this.current.search(query, options);
  }

  /**
   * Rebuilds the matcher when the store's fingerprint differs from the last build and
   * returns whether it did. Concurrent calls share one refresh. If reading fails, the
   * previous matcher stays in use and the error is thrown to the caller.
   */
  refresh(): Promise<boolean> {
    this.pending ??= this.rebuildIfChanged().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async rebuildIfChanged(): Promise<boolean> {
    const fingerprint = await this.readFingerprint();
    if (fingerprint === this.fingerprint) {
      return false;
    }
    const articles = await this.loadArticles();
    this.current = this.createMatcher(articles);
    this.fingerprint = fingerprint;
    log.info({ articles: articles.length, fingerprint }, 'knowledge-base index rebuilt');
    return true;
  }
}
