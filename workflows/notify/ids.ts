/** Notify workflow ids, from business keys (pure: starters and startChild use the same ones). */
export const deliverWorkflowId = (notificationId: string) => `deliver-${notificationId}`;
export const contactWorkflowId = (contactId: string) => `contact-${contactId}`;
/** The `n`th time an operator sends a failed delivery again (its own run; the first one is over). */
export const redeliverWorkflowId = (deliveryId: string, n: number) => `redeliver-${deliveryId}-${n}`;
