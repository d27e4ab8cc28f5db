import type { Config } from '../config/index.js';
import { KbIndex } from '../kb/kb-index.js';
import { DEFAULT_CONFIDENCE_THRESHOLD } from '../kb/matcher.js';
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

/**
 * Answers first-line questions from the stored knowledge base. The index is
 * refreshed before each question (a cheap fingerprint read when nothing changed),
 * so an import is used without a restart. Returns null when no article reaches
 * the confidence threshold: then the ticket is acknowledged, not answered.
 */
export function createKbAnswerer(config: Config, index: KbIndex = new KbIndex()): FirstLineAnswerer {
  const threshold = config.policy.kb.confidenceThreshold ?? DEFAULT_CONFIDENCE_THRESHOLD;
  return {
    async bestAnswer(question: string, language: string): Promise<KbAnswer | null> {
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
