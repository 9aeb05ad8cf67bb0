import { UniqueIntegrityConstraintViolationError } from 'slonik';
import * as orgs from '../../db/platform/organizations.js';
import type { Db } from '../../db/pool.js';
import { ConflictError } from '../../lib/domain-errors.js';
import { audit, type CommandActor } from '../audited.js';

/** Sets the number customers text (inbound SMS finds the organisation by it, so it is unique). */
export async function setSmsNumber(
  db: Db,
  orgId: string,
  smsNumber: string | null,
  by: CommandActor,
): Promise<orgs.OrganizationRow> {
  try {
    return await db.transaction(async (t) => {
      const before = await orgs.getOrganization(t, orgId);
      const row = await orgs.setSmsNumber(t, orgId, smsNumber);
      await audit(t, orgId, by, {
        action: 'organization.updated',
        resourceType: 'organization',
        resourceId: orgId,
        before: { sms_number: before.sms_number },
        after: { sms_number: row.sms_number },
      });
      return row;
    });
  } catch (err) {
    if (err instanceof UniqueIntegrityConstraintViolationError)
      throw new ConflictError('This number belongs to another organisation');
    throw err;
  }
}
