/** Bail workflow ids, from business keys (pure: starters and tests use the same ones). */
export const courtRemindersWorkflowId = (bondId: string) => `bond-court-${bondId}`;
export const paymentPlanWorkflowId = (planId: string) => `bond-plan-${planId}`;
export const documentSigningWorkflowId = (documentId: string) => `bond-doc-${documentId}`;
