export * from './pipeline-check.js';
export * from './maintenance.js';
export * from './field-encryption.js';
