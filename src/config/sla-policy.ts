import { z } from 'zod';
import { parseDuration } from './duration.js';

/**
 * Policy keys of triage and the per-priority escalation ladder. They live apart from
 * policy.ts so that file stays a list of top-level keys.
 */
const duration = z.union([z.string(), z.number()]).transform((value, context) => {
  const ms = parseDuration(value);
  if (ms === null) {
    context.addIssue({ code: 'custom', message: `"${value}" is not a duration; write e.g. 30m, 4h, 1h30m or 90s` });
    return z.NEVER;
  }
  return ms;
});

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

const priority = z.enum(PRIORITIES, { message: 'must be P1, P2, P3 or P4' });

/** An address (`ceo@firma.pl`) or a whole domain (`@zarzad.firma.pl`), compared lower-cased. */
const addressPattern = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^([^@\s]+@[^@\s]+\.[^@\s]+|@[^@\s]+\.[^@\s]+)$/, 'must be an e-mail address or @domain');

const triageRuleSchema = z
  .object({
    /** Recorded on the ticket as the rule that decided. */
    name: z.string().trim().min(1),
    /** Words or phrases, any of which in the subject or body matches; case and Polish diacritics are ignored. */
    keywords: z.array(z.string().trim().min(1)).optional(),
    /** Name of a group under `triage.groups` the requester belongs to. */
    requesterGroup: z.string().trim().min(1).optional(),
    /** true: the requester is on `triage.vip`. */
    vip: z.boolean().optional(),
    channel: z.enum(['email', 'slack']).optional(),
    /** Tags of the knowledge-base article sent as the first reply; any of them matches. */
    kbTags: z.array(z.string().trim().min(1)).optional(),
    priority: priority.optional(),
    category: z.string().trim().min(1).optional(),
  })
  .strict()
  .refine((rule) => rule.priority !== undefined || rule.category !== undefined, {
    message: 'a rule must set priority, category or both',
  })
  .refine(
    (rule) =>
      rule.keywords !== undefined ||
      rule.requesterGroup !== undefined ||
      rule.vip !== undefined ||
      rule.channel !== undefined ||
      rule.kbTags !== undefined,
    { message: 'a rule needs at least one condition: keywords, requesterGroup, vip, channel or kbTags' },
  );

export const triageSchema = z
  .object({
    defaultPriority: priority.default('P3'),
    defaultCategory: z.string().trim().min(1).nullable().default(null),
    vip: z.array(addressPattern).default([]),
    groups: z.record(z.string(), z.array(addressPattern)).default({}),
    /** Checked in order; the first matching rule that sets a priority decides it, and likewise the category. */
    rules: z.array(triageRuleSchema).default([]),
  })
  .strict()
  .superRefine((triage, context) => {
    triage.rules.forEach((rule, index) => {
      if (rule.requesterGroup && !(rule.requesterGroup in triage.groups)) {
        context.addIssue({
          code: 'custom',
          path: ['rules', index, 'requesterGroup'],
          message: `group "${rule.requesterGroup}" is not defined under triage.groups (known: ${Object.keys(triage.groups).join(', ') || 'none'})`,
        });
      }
    });
  });

export type TriagePolicy = z.infer<typeof triageSchema>;
export type TriageRule = TriagePolicy['rules'][number];

export const TRIAGE_DEFAULTS: TriagePolicy = { defaultPriority: 'P3', defaultCategory: null, vip: [], groups: {}, rules: [] };

const ladderStepSchema = z
  .object({
    /** Business calendar the times count in: `default`, `24x7` or a name under `schedules`. */
    schedule: z.string().trim().min(1).optional(),
    /** First-response target of the first line. */
    response: duration.optional(),
    /** Business time from opening until the ticket goes to L2. */
    toL2: duration.optional(),
    /** Business time at L2 until the ticket goes to L3. */
    toL3: duration.optional(),
    /** Reminders this long before each deadline, to the line the ticket is with. */
    remindBefore: z.array(duration).optional(),
  })
  .strict();

const ladderPrioritySchema = ladderStepSchema
  .extend({
    /** Overrides for one category, e.g. `security`. */
    categories: z.record(z.string(), ladderStepSchema).default({}),
  })
  .strict();

export const ladderSchema = z
  .object({
    /** Applies to every priority, below the priority's own keys. */
    default: ladderStepSchema.default({}),
    P1: ladderPrioritySchema.optional(),
    P2: ladderPrioritySchema.optional(),
    P3: ladderPrioritySchema.optional(),
    P4: ladderPrioritySchema.optional(),
  })
  .strict();

export type LadderPolicy = z.infer<typeof ladderSchema>;
export type LadderStep = z.infer<typeof ladderStepSchema>;

export const LADDER_DEFAULTS: LadderPolicy = { default: {} };

const slackUser = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id such as U0123ABCD (profile → ⋮ → Copy member ID)');

/** Lead of a line, notified when the line misses a deadline. */
export const lineLeadSchema = z
  .object({
    slackUser: slackUser.optional(),
    email: z.array(z.email('must be an e-mail address')).default([]),
  })
  .strict();

/** Schedules every policy has, besides those under `schedules`. */
const BUILT_IN_SCHEDULE_NAMES = ['default', '24x7'];

/** Reports each ladder `schedule` that names neither a built-in schedule nor one under `schedules`. */
export function checkLadderSchedules(policy: { ladder: LadderPolicy; schedules: Record<string, unknown> }, context: z.RefinementCtx): void {
  const known = [...BUILT_IN_SCHEDULE_NAMES, ...Object.keys(policy.schedules)];
  const check = (schedule: string | undefined, path: (string | number)[]): void => {
    if (schedule !== undefined && !known.includes(schedule)) {
      context.addIssue({ code: 'custom', path, message: `schedule "${schedule}" is unknown; use one of: ${known.join(', ')}` });
    }
  };
  check(policy.ladder.default.schedule, ['ladder', 'default', 'schedule']);
  for (const priority of PRIORITIES) {
    const step = policy.ladder[priority];
    check(step?.schedule, ['ladder', priority, 'schedule']);
    for (const [category, override] of Object.entries(step?.categories ?? {})) {
      check(override.schedule, ['ladder', priority, 'categories', category, 'schedule']);
    }
  }
}
