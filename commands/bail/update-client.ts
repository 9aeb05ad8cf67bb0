import * as clients from '../../db/bail/clients.js';
import * as customers from '../../db/customers/customers.js';
import type { Db } from '../../db/pool.js';
import { NotFoundError } from '../../lib/domain-errors.js';
import type { FieldCipher } from '../../lib/field-encryption.js';
import { audit, type CommandActor } from '../audited.js';
import type { NewClient } from './create-client.js';

/** Changes a client's person or bail profile; the audit names the fields, never their values. */
export async function updateClient(
  db: Db,
  cipher: FieldCipher,
  orgId: string,
  clientId: string,
  patch: Partial<Omit<NewClient, 'external_id'>>,
  by: CommandActor,
): Promise<{ customer: customers.CustomerRow; client: clients.BailClientRow }> {
  const { status, emergency_contact, ...person } = patch;
  return db.transaction(async (t) => {
    const client = await clients.updateBailClient(t, orgId, clientId, {
      status,
      emergencyContact: emergency_contact,
    });
    if (!client) throw new NotFoundError('client');
    const customer = await customers.updateCustomer(t, orgId, clientId, person, cipher);
    if (!customer) throw new NotFoundError('client');
    await audit(t, orgId, by, {
      action: 'bail.client.updated',
      resourceType: 'customer',
      resourceId: clientId,
      after: { fields: Object.keys(patch).sort() },
    });
    return { customer, client };
  });
}
