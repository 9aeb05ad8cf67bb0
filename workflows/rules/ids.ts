/** Rules workflow ids, from business keys (pure: starters and tests use the same ones). */
export const billReminderWorkflowId = (billId: string) => `bill-${billId}`;
export const customerRulesWorkflowId = (customerId: string) => `rules-evaluate-${customerId}`;
