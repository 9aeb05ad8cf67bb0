export * from './pipeline-check.js';
export * from './maintenance.js';
