import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { LiniaQueues } from '../queues/queues.js';
import { KbArticleModel } from '../store/article.model.js';
import { TicketModel, type Ticket } from '../store/ticket.model.js';
import { appendEvent, hasEvent, withTicket } from '../tickets/ticket-repository.js';
import { ladderClockFor, type LadderClock } from '../sla/ladder-clock.js';
import { storeAndQueuePlan } from '../sla/ladder-timers.js';
import { triageTicket, type TriageInput, type TriageResult } from './rules.js';

export interface TriageDependencies {
  config: Config;
  queues: LiniaQueues;
  log: Logger;
  clock?: LadderClock;
  now?: () => Date;
}

/** Timeline key of the triage event; one per ticket. */
export const TRIAGED_EVENT_KEY = 'triaged';

/** Returns the tags of the knowledge-base article sent to the requester, for rules on `kbTags`. */
export async function articleTags(articleId: string | null | undefined): Promise<string[]> {
  if (!articleId) return [];
  const article = await KbArticleModel.findOne({ articleId }, { tags: 1 }).lean();
  return article?.tags ?? [];
}

/**
 * Sets a new ticket's priority and category from the policy's rules, records the
 * `ticket.triaged` event with the deciding rule, and plans its SLA ladder, all
 * under the ticket's lock. A ticket triaged before (a retried intake) keeps its
 * result and is only planned again, which queues no job twice.
 */
export async function triageAndPlan(deps: TriageDependencies, ticket: Pick<Ticket, '_id'>, input: Omit<TriageInput, 'kbTags'> & { kbArticleId?: string | null }): Promise<TriageResult | null> {
  const kbTags = await articleTags(input.kbArticleId);
  const clock = deps.clock ?? ladderClockFor(deps.config);
  return withTicket(deps.queues, ticket._id, async (current) => {
    if (await hasEvent(current._id, TRIAGED_EVENT_KEY)) {
      await storeAndQueuePlan(current, { ...deps, clock });
      return null;
    }
    const result = triageTicket(deps.config.policy.triage, { ...input, kbTags });
    const triage = { rule: result.rule, categoryRule: result.categoryRule };
    await TicketModel.updateOne({ _id: current._id }, { $set: { priority: result.priority, category: result.category, triage } });
    const event = {
      key: TRIAGED_EVENT_KEY,
      type: 'ticket.triaged' as const,
      priority: result.priority,
      category: result.category ?? undefined,
      rule: result.rule ?? undefined,
      detail: describeTriage(result),
    };
    await appendEvent(current, event);
    const triaged: Ticket = { ...current, priority: result.priority, category: result.category, triage };
    await storeAndQueuePlan(triaged, { ...deps, clock });
    deps.log.info({ ticketNumber: current.number, priority: result.priority, category: result.category, rule: result.rule }, 'ticket triaged');
    return result;
  });
}

/** Describes in one line which rule set the priority and which the category. */
export function describeTriage(result: TriageResult): string {
  const priority = `priority ${result.priority} (${result.rule ? `rule ${result.rule}` : 'default'})`;
  const category = `category ${result.category ?? 'none'} (${result.categoryRule ? `rule ${result.categoryRule}` : 'default'})`;
  return `${priority}; ${category}`;
}
