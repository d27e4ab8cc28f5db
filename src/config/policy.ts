import { z } from 'zod';
import { parseDuration } from './duration.js';
import { checkLadderSchedules, ladderSchema, LADDER_DEFAULTS, lineLeadSchema, triageSchema, TRIAGE_DEFAULTS } from './sla-policy.js';
import { holidaysSchema, schedulesSchema, timeZoneSchema } from '../sla/clock-schedule-schema.js';

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

const lineTargetSchema = z
  .object({
    slackChannel: z
      .string()
      .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a Slack channel id such as C0123ABCD (open the channel details to copy it)')
      .optional(),
    email: z.array(email).default([]),
    /** Notified when a deadline of this line is breached. */
    lead: lineLeadSchema.optional(),
  })
  .strict();

/** Where a support line lives; `categories` gives a category its own team (e.g. L3 network, security). */
const lineSchema = lineTargetSchema
  .extend({
    categories: z.record(z.string(), lineTargetSchema).optional(),
  })
  .strict();

export const policySchema = z
  .object({
    kb: z
      .object({
        folders: z.array(z.string().min(1)).default([]),
        confidenceThreshold: z.number().min(0).max(1).optional(),
        /** Confidence thresholds per ticket category; a category not listed uses `confidenceThreshold`. */
        categoryThresholds: z.record(z.string().min(1), z.number().min(0).max(1)).optional(),
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
        /** The first line: used for its reminders and its lead. */
        L1: lineSchema.optional(),
        L2: lineSchema.default({ email: [] }),
        L3: lineSchema.default({ email: [] }),
      })
      .strict()
      .default({ L2: { email: [] }, L3: { email: [] } }),
    /** Priority and category of new tickets. */
    triage: triageSchema.default(TRIAGE_DEFAULTS),
    /** Per-priority SLA targets; unset ones fall back to `escalation.*` and the `default` schedule. */
    ladder: ladderSchema.default(LADDER_DEFAULTS),
    /** Targets of `linia report sla` per priority, in business time of the ladder's schedule; `ladder.*.response` wins over `response`. */
    report: z
      .object({
        targets: z
          .partialRecord(z.enum(['P1', 'P2', 'P3', 'P4']), z.object({ response: duration.optional(), resolution: duration.optional() }).strict())
          .default({}),
      })
      .strict()
      .default({ targets: {} }),
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
    /** IANA time zone of business hours and holidays (built-in schedules and schedules without their own). */
    timeZone: timeZoneSchema.default('Europe/Warsaw'),
    /** Named weekly business hours for SLA targets, besides the built-in `default` and `24x7`. */
    schedules: schedulesSchema,
    /** Days closed on top of the Polish public holidays. */
    holidays: holidaysSchema,
  })
  .strict()
  .superRefine(checkLadderSchedules);

export type Policy = z.infer<typeof policySchema>;
export type SupportLineConfig = z.infer<typeof lineSchema>;
