export * from './court-reminders.js';
export * from './messages.js';
