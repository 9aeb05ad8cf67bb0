import type { Db } from '../../db/pool.js';
import type { PendingStart } from '../../db/platform/workflow-starts.js';
import { applyEvaluation, lockedCustomersRules } from '../../db/rules/evaluation.js';
import * as accounts from '../../db/triage/accounts.js';
import { lockCustomers } from '../../db/customers/customers.js';
import { evaluateRows } from '../../workflows/rules/evaluate-rows.js';
import { audit, type CommandActor } from '../audited.js';

/**
 * Sets an account's balance from the system of record (a core-banking sync), and evaluates the
 * account's balance rules on it in the same transaction, audited. Null when there is no such account.
 */
export async function setAccountBalance(
  db: Db,
  orgId: string,
  accountId: string,
  balance: string,
  by: CommandActor,
): Promise<{ before: accounts.AccountRow; account: accounts.AccountRow; starts: PendingStart[] } | null> {
  return db.transaction(async (t) => {
    const before = await accounts.getAccount(t, orgId, accountId);
    if (!before) return null;
    // In line with the customer's ingests, so a rule sees one balance at a time.
    await lockCustomers(t, orgId, [before.customer_id]);
    const account = (await accounts.setBalance(t, orgId, accountId, balance))!;
    const rules = (await lockedCustomersRules(t, orgId, [account.customer_id], ['account_threshold'])).filter(
      (r) => r.conditions.account_id === accountId,
    );
    const { evaluatedIds, changes } = evaluateRows(rules, Date.now());
    const starts = await applyEvaluation(t, evaluatedIds, changes, { type: by.type, id: by.id });
    await audit(t, orgId, by, {
      action: 'account.balance_set',
      resourceType: 'account',
      resourceId: accountId,
      before: { balance: before.balance },
      after: { balance: account.balance },
    });
    return { before, account, starts };
  });
}
