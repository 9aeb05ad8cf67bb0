import type { Db } from '../../db/pool.js';
import type { PendingStart } from '../../db/platform/workflow-starts.js';
import { lockCustomerRules } from '../../db/rules/alert-rules.js';
import { applyEvaluation, customerRules } from '../../db/rules/evaluation.js';
import { ALERT_TYPES } from '../../workflows/rules/evaluators.js';
import { evaluateRows } from '../../workflows/rules/evaluate-rows.js';
import type { CommandActor } from '../audited.js';

/**
 * Evaluates a customer's rules now (or only `ruleId`), in one transaction with their locks, as the
 * periodic pass would: a few milliseconds, so in the request, not in a workflow. Fired alerts'
 * notifications are written with dedup keys (an evaluation racing the pass notifies once); their
 * deliveries are the returned starts, to dispatch after the commit.
 */
export async function evaluateRulesNow(
  db: Db,
  orgId: string,
  customerId: string,
  by: CommandActor,
  only?: { ruleId: string },
): Promise<{ evaluated: number; fired: number; starts: PendingStart[] }> {
  return db.transaction(async (t) => {
    await lockCustomerRules(t, orgId, customerId, ALERT_TYPES);
    const rows = (await customerRules(t, orgId, customerId, ALERT_TYPES)).filter(
      (r) => !only || r.id === only.ruleId,
    );
    const { evaluatedIds, changes } = evaluateRows(rows, Date.now());
    const starts = await applyEvaluation(t, evaluatedIds, changes, { type: by.type, id: by.id });
    return { evaluated: evaluatedIds.length, fired: starts.length, starts };
  });
}
