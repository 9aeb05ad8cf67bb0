import * as rules from '../../db/rules/alert-rules.js';
import { audited, type CommandActor } from '../audited.js';
import { checkRuleTargets, replanBill, type AlertRuleDeps } from './alert-rule-targets.js';

/** Adds one of the six alert rules on a target the customer owns. */
export async function createAlertRule(
  deps: AlertRuleDeps,
  orgId: string,
  r: rules.AlertRuleInput,
  by: CommandActor,
): Promise<rules.AlertRuleRow> {
  await checkRuleTargets(deps.db, orgId, r);
  const row = (await audited(
    deps.db,
    orgId,
    by,
    (t) => rules.createAlertRule(t, orgId, r),
    (row) => ({ action: 'alert_rule.created', resourceType: 'alert_rule', resourceId: row.id }),
  ))!;
  await replanBill(deps, orgId, row.bill_id);
  return row;
}
