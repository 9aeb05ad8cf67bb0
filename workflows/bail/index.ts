export * from './court-reminders.js';
export * from './messages.js';
export * from './payment-plan.js';
export * from './document-signing.js';
export * from './settle-charges.js';
