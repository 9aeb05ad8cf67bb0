/** Triage workflow ids, from business keys (pure: starters and startChild use the same ones). */
export const triageWorkflowId = (alertId: string) => `triage-alert-${alertId}`;
