import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { InsightsActivities } from '../../activities/insights/types.js';
import { taskPriority } from '../priority.js';

const acts = proxyActivities<InsightsActivities>({
  priority: taskPriority('background'),
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
});

export type DetectPatternsInput = {
  pageSize?: number;
  /** Pages per run before continuing as new (default 200). */
  pagesPerRun?: number;
  afterId?: string | null;
  totals?: { pages: number; customers: number; patterns: number };
};

/**
 * The hourly pattern pass (schedule `insights-patterns`, overlap SKIP): the customers with
 * interactions stored since their last detection, page by page in id order, each page one
 * set-based activity. Continues as new before its history grows large.
 */
export async function detectBehaviorPatterns(input: DetectPatternsInput = {}) {
  const pageSize = input.pageSize ?? 500;
  const totals = input.totals ?? { pages: 0, customers: 0, patterns: 0 };
  let afterId = input.afterId ?? null;
  for (let pages = 0; ; pages++) {
    if (pages >= (input.pagesPerRun ?? 200) || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof detectBehaviorPatterns>({ ...input, pageSize, afterId, totals });
    }
    const page = await acts.detectDuePatterns({ afterId, limit: pageSize });
    totals.pages += 1;
    totals.customers += page.customers;
    totals.patterns += page.patterns;
    if (!page.nextAfterId) return totals;
    afterId = page.nextAfterId;
  }
}
