import { Types } from 'mongoose';
import type { SlackWorkDeps } from '../channels/slack/slack-deps.js';
import type { MirrorReplyJob } from '../channels/slack/slack-jobs.js';
import { slackTexts } from '../channels/slack/texts.js';
import { escapeSlackText, excerpt } from '../escalation/slack-text.js';
import { MessageModel } from '../store/message.model.js';
import { TicketModel, type Ticket } from '../store/ticket.model.js';
import { postInThread, refreshAgentPosts } from './agent-posts.js';

/** Lines and characters of a requester's reply shown in the agent thread. */
const MIRROR_MAX_LINES = 40;
const MIRROR_MAX_CHARS = 2_800;

export type MirrorOutcome = 'mirrored' | 'no_agent_thread' | 'missing';

/**
 * Posts a requester's reply (e-mail or Slack) into the ticket's agent thread,
 * escaped so that `<!channel>`, mentions and links from the requester stay plain
 * text, then rewrites the escalation posts, because the reply may have resolved
 * or reopened the ticket. The job id is keyed by the message, so it posts once
 * unless the process dies between the post and the job's completion.
 */
export async function mirrorRequesterReply(job: MirrorReplyJob, deps: SlackWorkDeps): Promise<MirrorOutcome> {
  if (!Types.ObjectId.isValid(job.ticketId)) {
    return 'missing';
  }
  const ticket = await TicketModel.findById(job.ticketId).lean<Ticket>();
  const message = await MessageModel.findOne({ channel: job.channel, key: job.messageKey }, { text: 1 }).lean();
  if (!ticket || !message) {
    return 'missing';
  }
  await refreshAgentPosts(deps, ticket._id);
  const channel = ticket.agentThread?.channel;
  const threadTs = ticket.agentThread?.ts;
  if (!channel || !threadTs) {
    return 'no_agent_thread';
  }
  const texts = slackTexts(deps.config.policy.language.default);
  const quoted = escapeSlackText(excerpt(message.text ?? '', MIRROR_MAX_LINES, MIRROR_MAX_CHARS))
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
  const heading = texts.requesterReplied(job.channel === 'email' ? texts.viaEmail : texts.viaSlack);
  await postInThread(deps.slack, channel, threadTs, `${heading}\n${quoted || '>—'}`);
  deps.log.info({ ticketNumber: ticket.number, messageKey: job.messageKey }, 'requester reply mirrored into the agent thread');
  return 'mirrored';
}
