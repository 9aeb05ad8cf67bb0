import { proxyActivities } from '@temporalio/workflow';
import type { BailActivities } from '../../activities/bail/types.js';

/** Every bail activity is idempotent by a business key, so retries are safe and unbounded in count. */
export const acts = proxyActivities<BailActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '5 minutes' },
});
