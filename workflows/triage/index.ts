export * from './alert-triage.js';
export * from './card-freeze.js';
export * from './dispute-lifecycle.js';
export * from './evaluate-transaction.js';
export * from './dispute-rules.js';
