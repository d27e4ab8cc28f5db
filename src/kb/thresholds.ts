import { DEFAULT_CONFIDENCE_THRESHOLD } from './confidence.js';

/** The knowledge-base part of the policy that decides when Linia answers from an article. */
export interface KbThresholdPolicy {
  confidenceThreshold?: number;
  categoryThresholds?: Record<string, number>;
}

/**
 * Returns the lowest confidence at which an article answers a ticket of `category`: the
 * category's own threshold when the policy sets one, otherwise `kb.confidenceThreshold`,
 * otherwise the default. Category names compare without regard to case.
 */
export function confidenceThresholdFor(policy: KbThresholdPolicy, category: string | null | undefined): number {
  const fallback = policy.confidenceThreshold ?? DEFAULT_CONFIDENCE_THRESHOLD;
  if (!category || !policy.categoryThresholds) {
    return fallback;
  }
  const wanted = category.trim().toLowerCase();
  for (const [name, threshold] of Object.entries(policy.categoryThresholds)) {
    if (name.trim().toLowerCase() === wanted) {
      return threshold;
    }
  }
  return fallback;
}
