import type { Config } from '../config/index.js';
import { loadFeedbackFactors } from '../kb/feedback.js';
import { KbIndex } from '../kb/kb-index.js';
import { confidenceThresholdFor } from '../kb/thresholds.js';
import { getLogger } from '../logging/logger.js';
import { KbArticleModel } from '../store/article.model.js';
import type { FirstLineAnswerer, KbAnswer } from '../tickets/first-line-reply.js';

const log = getLogger('kb-answerer');

/** Drops a leading `# Title` line equal to the title, which the reply template prints already. */
export function withoutTitleHeading(body: string, title: string): string {
  const trimmed = body.trim();
  const firstLine = trimmed.split('\n', 1)[0];
  const heading = /^#\s+(.*)$/.exec(firstLine);
  if (heading && heading[1].trim().toLowerCase() === title.trim().toLowerCase()) {
    return trimmed.slice(firstLine.length).trim();
  }
  return trimmed;
}

/** The answerer's interface, with the ticket category that selects a per-category threshold. */
export interface KbAnswerer extends FirstLineAnswerer {
  bestAnswer(question: string, language: string, category?: string | null): Promise<KbAnswer | null>;
}

/**
 * Answers first-line questions from the stored knowledge base. The index is
 * refreshed before each question (a cheap fingerprint read when nothing changed),
 * so an import is used without a restart, and requesters' feedback re-orders close
 * matches. Returns null when no article reaches the confidence threshold of the
 * ticket's category: then the ticket is acknowledged, not answered.
 */
export function createKbAnswerer(config: Config, index: KbIndex = new KbIndex({ loadFeedbackFactors })): KbAnswerer {
  return {
    async bestAnswer(question: string, language: string, category?: string | null): Promise<KbAnswer | null> {
      const threshold = confidenceThresholdFor(config.policy.kb, category);
      try {
        await index.refresh();
      } catch (error) {
        // A stale index still answers; the next question tries again.
        log.warn({ err: error }, 'knowledge-base refresh failed; using the previous index');
      }
      const [best] = index.search(question, { language, limit: 1 });
      if (!best || best.confidence < threshold) {
        return null;
      }
      const article = await KbArticleModel.findOne({ source: best.source, articleId: best.articleId }).lean();
      if (!article || article.audience === 'agents') {
        return null;
      }
      return {
        articleId: article.articleId,
        title: article.title,
        body: withoutTitleHeading(article.body, article.title),
        language: article.language,
        confidence: best.confidence,
      };
    },
  };
}
