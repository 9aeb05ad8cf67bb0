import * as rules from '../../db/rules/alert-rules.js';
import { audit, type CommandActor } from '../audited.js';
import { checkRuleTargets, replanBill, type AlertRuleDeps } from './alert-rule-targets.js';

/** Replaces an alert rule (PUT); the bills it watched before and after re-plan their reminders. */
export async function replaceAlertRule(
  deps: AlertRuleDeps,
  orgId: string,
  id: string,
  r: rules.AlertRuleInput,
  by: CommandActor,
): Promise<rules.AlertRuleRow | null> {
  await checkRuleTargets(deps.db, orgId, r);
  const replaced = await deps.db.transaction(async (t) => {
    const before = await rules.getAlertRule(t, orgId, id);
    if (!before) return null;
    const row = await rules.replaceAlertRule(t, orgId, id, r);
    if (!row) return null;
    await audit(t, orgId, by, { action: 'alert_rule.updated', resourceType: 'alert_rule', resourceId: id });
    return { before, row };
  });
  if (!replaced) return null;
  await replanBill(deps, orgId, replaced.before.bill_id);
  if (replaced.row.bill_id !== replaced.before.bill_id) await replanBill(deps, orgId, replaced.row.bill_id);
  return replaced.row;
}
