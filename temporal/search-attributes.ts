export * from '../workflows/search-attributes.js';
