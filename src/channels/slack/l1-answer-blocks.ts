import type { KbAnswer } from '../../tickets/first-line-reply.js';
import { escapeSlackText, markdownToMrkdwn, splitForSections } from '../../escalation/slack-text.js';
import { slackTexts, type SlackLanguage } from './texts.js';

/** action_id of the two requester buttons under a first-line answer; the value is the ticket id. */
export const REQUESTER_ACTIONS = { solved: 'linia_kb_solved', needsHelp: 'linia_kb_needs_help' } as const;
/** block_id of the requester buttons, replaced by a note once one is clicked. */
export const REQUESTER_ACTIONS_BLOCK = 'linia_l1';

/** Slack shows at most 50 blocks per message; the article uses what the header and buttons leave. */
const MAX_ARTICLE_BLOCKS = 45;

export interface FirstLineMessage {
  text: string;
  blocks: object[];
}

/**
 * Builds the first-line answer in the requester's thread: the article (or an
 * acknowledgement with the ticket number) and the two buttons.
 */
export function buildFirstLineMessage(ticketId: string, tag: string, answer: KbAnswer | null, language: SlackLanguage): FirstLineMessage {
  const texts = slackTexts(language);
  const blocks: object[] = [];
  let text: string;
  if (answer) {
    text = `${texts.answerIntro(tag)} ${answer.title}`;
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: texts.answerIntro(tag) } });
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*${escapeSlackText(answer.title)}*` } });
    for (const piece of splitForSections(markdownToMrkdwn(answer.body)).slice(0, MAX_ARTICLE_BLOCKS)) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: piece } });
    }
    if (answer.language !== language) {
      blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: slackTexts(language).otherLanguageNote }] });
    }
  } else {
    text = texts.acknowledgement(tag);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
  }
  blocks.push({
    type: 'actions',
    block_id: REQUESTER_ACTIONS_BLOCK,
    elements: [
      { type: 'button', action_id: REQUESTER_ACTIONS.solved, style: 'primary', text: { type: 'plain_text', text: texts.solvedButton }, value: ticketId },
      { type: 'button', action_id: REQUESTER_ACTIONS.needsHelp, text: { type: 'plain_text', text: texts.needsHelpButton }, value: ticketId },
    ],
  });
  return { text, blocks };
}

/** Replaces the requester buttons of a posted answer with a line saying what was chosen. */
export function withoutRequesterButtons(blocks: unknown, note: string): object[] {
  const kept = Array.isArray(blocks)
    ? (blocks as { block_id?: string }[]).filter((block) => block.block_id !== REQUESTER_ACTIONS_BLOCK)
    : [];
  return [...kept, { type: 'context', elements: [{ type: 'mrkdwn', text: note }] }];
}
