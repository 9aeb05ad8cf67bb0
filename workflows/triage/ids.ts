/** Triage workflow ids, from business keys (pure: starters and startChild use the same ones). */
export const triageWorkflowId = (alertId: string) => `triage-alert-${alertId}`;
export const cardFreezeWorkflowId = (cardId: string) => `card-freeze-${cardId}`;
export const disputeWorkflowId = (disputeId: string) => `dispute-${disputeId}`;

/** One freeze per triage, however often the agent is retried; a customer's "yes" lifts just this one. */
export const triageFreezeRequestId = (alertId: string) => `triage-${alertId}`;
/** The freeze a customer's "not me" places: until a replacement card is issued. */
export const deniedFreezeRequestId = (alertId: string) => `contact-${alertId}`;
