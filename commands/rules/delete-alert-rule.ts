import * as rules from '../../db/rules/alert-rules.js';
import { audited, type CommandActor } from '../audited.js';
import { replanBill, type AlertRuleDeps } from './alert-rule-targets.js';

/** Deletes an alert rule (soft: its history stays); false when there is none. */
export async function deleteAlertRule(
  deps: AlertRuleDeps,
  orgId: string,
  id: string,
  by: CommandActor,
): Promise<boolean> {
  const row = await audited(
    deps.db,
    orgId,
    by,
    (t) => rules.deleteAlertRule(t, orgId, id),
    (row) => ({ action: 'alert_rule.deleted', resourceType: 'alert_rule', resourceId: row.id }),
  );
  if (row) await replanBill(deps, orgId, row.bill_id);
  return row !== null;
}
