import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createRulesActivities } from '../../activities/rules/index.js';
import { taskPriority } from '../priority.js';
import { lanes, type Lane } from './lanes.js';

const acts = proxyActivities<ReturnType<typeof createRulesActivities>>({
  // The periodic pass waits behind real-time work when the rules queue has a backlog.
  priority: taskPriority('background'),
  startToCloseTimeout: '2 minutes',
  // Bounded (~3 minutes): a pass that cannot finish fails where /admin/jobs/failed lists it, and
  // the next pass, 5 minutes on, evaluates the same rules from Postgres.
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 8 },
});

export type EvaluateAlertRulesInput = {
  pageSize?: number;
  parallelism?: number;
  /** Pages per run before continuing as new (default 400, well under the history limits). */
  pagesPerRun?: number;
  /** Where each lane stands, when continued as new. */
  lanes?: Lane[];
  totals?: { pages: number; evaluated: number; fired: number; dispatched: number };
};

/**
 * The 5-minute pass (schedule `rules-periodic`, overlap SKIP): account_threshold, goal and
 * spending_target rules of every organisation, and merchant digests whose day is over. The uuid
 * space is split into lanes walked in parallel, page by page; each page is one activity of a few
 * set-based queries. Continues as new before its history grows large.
 */
export async function evaluateAlertRules(input: EvaluateAlertRulesInput = {}) {
  const pageSize = input.pageSize ?? 1000;
  const totals = input.totals ?? { pages: 0, evaluated: 0, fired: 0, dispatched: 0 };
  let open = input.lanes ?? lanes(input.parallelism ?? 4);
  if (!input.lanes) totals.dispatched += await acts.dispatchPendingNotifications();
  let pagesThisRun = 0;
  while (open.length) {
    if (pagesThisRun >= (input.pagesPerRun ?? 400) || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof evaluateAlertRules>({ ...input, pageSize, lanes: open, totals });
    }
    const results = await Promise.all(
      open.map((lane) =>
        acts.evaluateRulePage({ afterId: lane.afterId, before: lane.before, limit: pageSize }),
      ),
    );
    pagesThisRun += open.length;
    const next: Lane[] = [];
    results.forEach((r, i) => {
      totals.pages += 1;
      totals.evaluated += r.evaluated;
      totals.fired += r.fired;
      if (r.nextAfterId) next.push({ afterId: r.nextAfterId, before: open[i]!.before });
    });
    open = next;
  }
  return totals;
}
