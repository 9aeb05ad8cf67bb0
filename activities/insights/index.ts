import { detectCustomerPatterns } from '../../commands/insights/detect-patterns.js';
import { customersDueForPatterns } from '../../db/insights/patterns.js';
import type { Db } from '../../db/pool.js';
import type { InsightsActivities } from './types.js';

export type InsightsDeps = { db: Db };

export function createInsightsActivities(deps: InsightsDeps): InsightsActivities {
  return {
    async detectDuePatterns({ afterId, limit }) {
      const due = await customersDueForPatterns(deps.db, afterId, limit);
      const byOrg = new Map<string, { id: string; timezone: string }[]>();
      for (const c of due) {
        const list = byOrg.get(c.org_id);
        if (list) list.push(c);
        else byOrg.set(c.org_id, [c]);
      }
      let patterns = 0;
      // Idempotent: a retried page detects the same customers again and replaces what it wrote.
      for (const [orgId, customers] of byOrg) {
        for (const found of (await detectCustomerPatterns(deps.db, orgId, customers)).values())
          patterns += found.length;
      }
      return {
        customers: due.length,
        patterns,
        nextAfterId: due.length === limit ? due.at(-1)!.id : null,
      };
    },
  };
}
