/** Outcomes of one inbound message, as `linia demo` reports them. */
export const INTAKE_ACTIONS = ['auto-replied', 'acknowledged', 'attached', 'automatic', 'quarantined'] as const;
export type IntakeAction = (typeof INTAKE_ACTIONS)[number];

export interface IntakeResult {
  action: IntakeAction;
  ticketNumber: number | null;
  articleId: string | null;
  reason: string | null;
}
