/** Notify workflow ids, from business keys (pure: starters and startChild use the same ones). */
export const deliverWorkflowId = (notificationId: string) => `deliver-${notificationId}`;
export const contactWorkflowId = (contactId: string) => `contact-${contactId}`;
