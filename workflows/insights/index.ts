export * from './detect-patterns.js';
