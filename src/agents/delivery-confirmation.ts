import type { SlackWorkDeps } from '../channels/slack/slack-deps.js';
import { CONFIRM_ATTEMPTS, type ConfirmDeliveryJob } from '../channels/slack/slack-jobs.js';
import { slackTexts } from '../channels/slack/texts.js';
import { MessageModel } from '../store/message.model.js';
import { postInThread } from './agent-posts.js';

/** The agent's e-mail reply is still pending; the job is retried with backoff. */
export class DeliveryNotYetKnownError extends Error {
  override readonly name = 'DeliveryNotYetKnownError';
}

export type ConfirmationOutcome = 'delivered' | 'failed' | 'pending_reported' | 'missing';

/**
 * Reports in the agent thread what happened to an agent's e-mail reply: sent,
 * failed or suppressed. While the mail is pending it throws, so BullMQ retries
 * with backoff. On the last attempt it reports that the mail is still waiting.
 */
export async function confirmEmailDelivery(job: ConfirmDeliveryJob, attemptsMade: number, deps: SlackWorkDeps): Promise<ConfirmationOutcome> {
  const texts = slackTexts(deps.config.policy.language.default);
  const record = await MessageModel.findOne({ channel: 'email', key: job.messageKey, direction: 'out' }).lean();
  if (!record) {
    return 'missing';
  }
  if (record.status === 'sent') {
    const address = record.to.map((recipient) => recipient.address).join(', ');
    await postInThread(deps.slack, job.agentChannel, job.agentThreadTs, texts.deliveredEmail(address));
    return 'delivered';
  }
  if (record.status === 'failed' || record.status === 'suppressed') {
    await postInThread(deps.slack, job.agentChannel, job.agentThreadTs, texts.deliveryFailed(record.error ?? record.status));
    return 'failed';
  }
  if (attemptsMade + 1 >= CONFIRM_ATTEMPTS) {
    const minutes = Math.round((Date.now() - new Date((record as { createdAt?: Date }).createdAt ?? Date.now()).getTime()) / 60_000);
    await postInThread(deps.slack, job.agentChannel, job.agentThreadTs, texts.deliveryPending(minutes));
    return 'pending_reported';
  }
  throw new DeliveryNotYetKnownError(`agent reply ${job.messageKey} is still pending`);
}
