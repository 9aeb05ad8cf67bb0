// Every workflow the workers register, one folder per context.
export * from './platform/index.js';
export * from './triage/index.js';
export * from './notify/index.js';
export * from './rules/index.js';
export * from './insights/index.js';
export * from './bail/index.js';
