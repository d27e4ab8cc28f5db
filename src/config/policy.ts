import { z } from 'zod';
import { parseDuration } from './duration.js';

/**
 * The policy file (YAML or JSON) contains what a service-desk lead tunes: KB folders,
 * the escalation ladder and where each support line lives. Everything has a
 * default, so Linia runs without one.
 */
const duration = z.union([z.string(), z.number()]).transform((value, context) => {
  const ms = parseDuration(value);
  if (ms === null) {
    context.addIssue({ code: 'custom', message: `"${value}" is not a duration; write e.g. 30m, 4h, 1h30m or 90s` });
    return z.NEVER;
  }
  return ms;
});

const email = z.email('must be an e-mail address');

const lineSchema = z
  .object({
    slackChannel: z
      .string()
      .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a Slack channel id such as C0123ABCD (open the channel details to copy it)')
      .optional(),
    email: z.array(email).default([]),
  })
  .strict();

export const policySchema = z
  .object({
    kb: z
      .object({
        folders: z.array(z.string().min(1)).default([]),
        confidenceThreshold: z.number().min(0).max(1).optional(),
      })
      .strict()
      .default({ folders: [] }),
    escalation: z
      .object({
        /** Time a ticket may stay with the first line before it goes to L2. */
        toL2After: duration.default(4 * 3_600_000),
        /** Time a ticket may stay with L2 before it goes to L3. */
        toL3After: duration.default(8 * 3_600_000),
      })
      .strict()
      .default({ toL2After: 4 * 3_600_000, toL3After: 8 * 3_600_000 }),
    lines: z
      .object({
        L2: lineSchema.default({ email: [] }),
        L3: lineSchema.default({ email: [] }),
      })
      .strict()
      .default({ L2: { email: [] }, L3: { email: [] } }),
    autoReply: z
      .object({
        /** At most one automatic reply to one sender within this window. */
        perSenderWindow: duration.default(3_600_000),
      })
      .strict()
      .default({ perSenderWindow: 3_600_000 }),
    language: z
      .object({
        /** Language of replies when a message's language cannot be detected. */
        default: z.enum(['pl', 'en']).default('en'),
      })
      .strict()
      .default({ default: 'en' }),
  })
  .strict();

export type Policy = z.infer<typeof policySchema>;
export type SupportLineConfig = z.infer<typeof lineSchema>;
