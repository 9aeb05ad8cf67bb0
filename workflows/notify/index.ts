export * from './deliver-notification.js';
export * from './messages.js';
export * from './customer-contact.js';
export * from './redeliver-notification.js';
export * from './retention.js';
