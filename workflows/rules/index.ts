export * from './evaluate-alert-rules.js';
export * from './evaluate-customer-rules.js';
export * from './bill-reminder.js';
export * from './messages.js';
