import type { Priority, TriagePolicy, TriageRule } from '../config/sla-policy.js';

/** Fields of a new ticket that triage rules test. */
export interface TriageInput {
  subject: string;
  text: string;
  requesterAddress: string | null;
  channel: 'email' | 'slack';
  /** Tags of the knowledge-base article sent as the first reply, if one was sent. */
  kbTags: string[];
}

export interface TriageResult {
  priority: Priority;
  category: string | null;
  /** Name of the rule that set the priority; null when the default applied. */
  rule: string | null;
  /** Name of the rule that set the category; null when the default applied. */
  categoryRule: string | null;
}

/**
 * Folds text for keyword matching: lower case, Polish diacritics removed (so
 * "nie dziala" matches "nie działa"), every run of other characters one space,
 * with a space at each end so a phrase matches whole words only.
 */
export function foldForMatching(text: string): string {
  const folded = text
    .toLowerCase()
    .replace(/ł/g, 'l')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N}*]+/gu, ' ')
    .trim();
  return ` ${folded} `;
}

/**
 * True when the folded text contains the keyword as whole words. A keyword ending
 * in `*` matches any ending of its last word, for Polish inflection: `awari*`
 * matches "awaria", "awarii" and "awarię".
 */
export function matchesKeyword(foldedText: string, keyword: string): boolean {
  const folded = foldForMatching(keyword).trim();
  if (folded.length === 0 || folded === '*') return false;
  if (folded.endsWith('*')) {
    return foldedText.includes(` ${folded.slice(0, -1).replace(/\*/g, '')}`);
  }
  return foldedText.includes(` ${folded.replace(/\*/g, '')} `);
}

/** True when the address equals one of the patterns or its domain matches an `@domain` pattern. */
export function addressMatches(address: string | null, patterns: readonly string[]): boolean {
  if (!address) return false;
  const lower = address.toLowerCase();
  const domain = lower.slice(lower.lastIndexOf('@'));
  return patterns.some((pattern) => pattern === lower || (pattern.startsWith('@') && pattern === domain));
}

function ruleMatches(rule: TriageRule, input: TriageInput, foldedText: string, policy: TriagePolicy): boolean {
  if (rule.keywords && !rule.keywords.some((keyword) => matchesKeyword(foldedText, keyword))) return false;
  if (rule.requesterGroup && !addressMatches(input.requesterAddress, policy.groups[rule.requesterGroup] ?? [])) return false;
  if (rule.vip !== undefined && addressMatches(input.requesterAddress, policy.vip) !== rule.vip) return false;
  if (rule.channel && rule.channel !== input.channel) return false;
  if (rule.kbTags) {
    const tags = new Set(input.kbTags.map((tag) => tag.toLowerCase()));
    if (!rule.kbTags.some((tag) => tags.has(tag.toLowerCase()))) return false;
  }
  return true;
}

/**
 * Picks a ticket's priority and category. Rules are checked in file order and all
 * conditions of a rule must hold. The first matching rule that sets a priority
 * decides the priority, and the first matching rule that sets a category decides
 * the category. Without such a rule the defaults apply.
 */
export function triageTicket(policy: TriagePolicy, input: TriageInput): TriageResult {
  const foldedText = foldForMatching(`${input.subject}\n${input.text}`);
  const result: TriageResult = { priority: policy.defaultPriority, category: policy.defaultCategory, rule: null, categoryRule: null };
  for (const rule of policy.rules) {
    const needsPriority = result.rule === null && rule.priority !== undefined;
    const needsCategory = result.categoryRule === null && rule.category !== undefined;
    if (!(needsPriority || needsCategory) || !ruleMatches(rule, input, foldedText, policy)) {
      continue;
    }
    if (needsPriority && rule.priority) {
      result.priority = rule.priority;
      result.rule = rule.name;
    }
    if (needsCategory && rule.category) {
      result.category = rule.category;
      result.categoryRule = rule.name;
    }
  }
  return result;
}
