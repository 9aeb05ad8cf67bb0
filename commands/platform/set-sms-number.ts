import { UniqueIntegrityConstraintViolationError } from 'slonik';
import * as orgs from '../../db/platform/organizations.js';
import type { Db } from '../../db/pool.js';
import { ConflictError, UnprocessableFieldError } from '../../lib/domain-errors.js';
import { audit, type CommandActor } from '../audited.js';

/**
 * Sets the number customers text (inbound SMS finds the organisation by it, so it is unique). Only
 * a number a platform operator assigned to this organisation (npm run assign-sms-number), never
 * the deployment's shared sending number: whoever held it would receive every tenant's replies.
 */
export async function setSmsNumber(
  db: Db,
  orgId: string,
  smsNumber: string | null,
  by: CommandActor,
  o: { sharedNumber?: string | null | undefined } = {},
): Promise<orgs.OrganizationRow> {
  if (smsNumber !== null && smsNumber === o.sharedNumber)
    throw new UnprocessableFieldError(
      'body.sms_number',
      'is the shared sending number of this deployment; ask for a number of your own',
      'shared_number',
    );
  try {
    return await db.transaction(async (t) => {
      if (smsNumber !== null && !(await orgs.isSmsNumberAssigned(t, orgId, smsNumber)))
        throw new UnprocessableFieldError(
          'body.sms_number',
          'is not assigned to your organisation: a platform operator assigns sending numbers',
          'not_assigned',
        );
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
