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
  /** Reads the feedback ranking factors per article id; none by default. */
  loadFeedbackFactors?: () => Promise<Map<string, number>>;
  /** Clock for the feedback refresh interval; the system clock by default. */
  now?: () => number;
}

/**
 * Time between reloads of the feedback factors. Feedback arrives a few times a day per
 * article, so a minute of delay changes nothing, and most questions then skip the read.
 */
const FEEDBACK_REFRESH_MS = 60_000;

export class KbIndex {
  private current: KbMatcher;
  private fingerprint: string | undefined;
  private pending: Promise<boolean> | undefined;
  private readonly loadArticles: () => Promise<KbArticle[]>;
  private readonly readFingerprint: () => Promise<string>;
  private readonly createMatcher: (articles: readonly MatchableArticle[]) => KbMatcher;
  private readonly loadFeedbackFactors: (() => Promise<Map<string, number>>) | undefined;
  private readonly now: () => number;
  private feedbackFactors: ReadonlyMap<string, number> = new Map();
  private feedbackLoadedAt = Number.NEGATIVE_INFINITY;

  constructor(options: KbIndexOptions = {}) {
    this.loadArticles = options.loadArticles ?? loadArticles;
    this.readFingerprint = options.readFingerprint ?? readKbFingerprint;
    this.createMatcher = options.createMatcher ?? ((articles) => createBm25Matcher(articles));
    this.loadFeedbackFactors = options.loadFeedbackFactors;
    this.now = options.now ?? Date.now;
    this.current = this.createMatcher([]);
  }

  /** The matcher built by the last successful refresh; empty before the first one. */
  get matcher(): KbMatcher {
    return this.current;
  }

  /** Searches the current matcher, with the feedback factors of the last refresh unless `options` gives others. */
  search(query: string, options: KbSearchOptions = {}): KbMatch[] {
    return this.current.search(query, { feedbackFactors: this.feedbackFactors, ...options });
  }

  /**
   * Rebuilds the matcher when the store's fingerprint differs from the last build and
   * returns whether it did. Reloads the feedback factors first when they are older than
   * `FEEDBACK_REFRESH_MS`. Concurrent calls share one refresh. If reading fails, the
   * previous matcher stays in use and the error is thrown to the caller.
   */
  refresh(): Promise<boolean> {
    this.pending ??= this.rebuildIfChanged().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async reloadFeedbackIfStale(): Promise<void> {
    if (!this.loadFeedbackFactors || this.now() - this.feedbackLoadedAt < FEEDBACK_REFRESH_MS) {
      return;
    }
    this.feedbackFactors = await this.loadFeedbackFactors();
    this.feedbackLoadedAt = this.now();
  }

  private async rebuildIfChanged(): Promise<boolean> {
    await this.reloadFeedbackIfStale();
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
