import type { Db } from '../db/pool.js';
import { createPlatformActivities } from './platform/index.js';

export type ActivityDeps = { db: Db };

/** Activities per context, built from their dependencies (createXActivities(deps)). */
export function createActivities(deps: ActivityDeps) {
  return {
    platform: createPlatformActivities(deps),
  };
}
