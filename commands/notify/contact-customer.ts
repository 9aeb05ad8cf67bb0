import { getCustomer } from '../../db/customers/customers.js';
import * as contacts from '../../db/notify/contacts.js';
import type { Db } from '../../db/pool.js';
import { queueStarts, type PendingStart } from '../../db/platform/workflow-starts.js';
import { getCase } from '../../db/triage/cases.js';
import { NotFoundError } from '../../lib/domain-errors.js';
import { contactWorkflowId } from '../../workflows/notify/ids.js';
import { audit, type CommandActor } from '../audited.js';

/**
 * Asks a customer something (optionally about a case) on the given channels in fallback order.
 * The contact's workflow is owed in the same transaction: the caller dispatches `starts` after
 * the commit (the run reads the row), and the sweeper makes any start that fails.
 */
export async function contactCustomer(
  db: Db,
  orgId: string,
  c: Omit<Parameters<typeof contacts.insertContact>[2], 'case_id'> & { case_id?: string | null | undefined },
  by: CommandActor,
): Promise<{ row: contacts.ContactRow; starts: PendingStart[] }> {
  return db.transaction(async (t) => {
    if (!(await getCustomer(t, orgId, c.customer_id))) throw new NotFoundError('customer');
    if (c.case_id && !(await getCase(t, orgId, c.case_id))) throw new NotFoundError('case');
    const row = await contacts.insertContact(t, orgId, { ...c, case_id: c.case_id ?? null });
    const starts: PendingStart[] = [
      {
        workflow_id: contactWorkflowId(row.id),
        org_id: orgId,
        kind: 'contact',
        subject_id: row.id,
        customer_id: row.customer_id,
        priority: null,
      },
    ];
    await queueStarts(t, starts);
    await audit(t, orgId, by, { action: 'customer.contacted', resourceType: 'contact', resourceId: row.id });
    return { row, starts };
  });
}
