import { randomUUID } from 'node:crypto';
import { UniqueIntegrityConstraintViolationError } from 'slonik';
import * as clients from '../../db/bail/clients.js';
import * as customers from '../../db/customers/customers.js';
import type { Db } from '../../db/pool.js';
import { ConflictError } from '../../lib/domain-errors.js';
import type { FieldCipher } from '../../lib/field-encryption.js';
import { audit, type CommandActor } from '../audited.js';
import { bailEvent } from './bond-parties.js';

export type NewClient = Omit<customers.CustomerInput, 'external_id'> & {
  external_id?: string | undefined;
  status?: clients.BailClientRow['status'] | undefined;
  emergency_contact?: Record<string, unknown> | null | undefined;
};

/**
 * Registers a defendant as the agency's client: a customer (SSN and date of birth sealed) with
 * a bail profile, in one transaction with its audit row and a `client.created` event.
 */
export async function createClient(
  db: Db,
  cipher: FieldCipher,
  orgId: string,
  input: NewClient,
  by: CommandActor,
): Promise<{ customer: customers.CustomerRow; client: clients.BailClientRow }> {
  const { status, emergency_contact, ...person } = input;
  try {
    return await db.transaction(async (t) => {
      const customer = await customers.insertCustomer(
        t,
        orgId,
        { ...person, external_id: person.external_id ?? `bail-client-${randomUUID()}` },
        cipher,
      );
      const client = await clients.insertBailClient(t, orgId, {
        customerId: customer.id,
        status,
        emergencyContact: emergency_contact ?? null,
        createdBy: by.type === 'user' ? by.id : null,
      });
      await audit(t, orgId, by, {
        action: 'bail.client.created',
        resourceType: 'customer',
        resourceId: customer.id,
      });
      await bailEvent(t, orgId, 'client.created', { client_id: customer.id, status: client.status });
      return { customer, client };
    });
  } catch (err) {
    if (err instanceof UniqueIntegrityConstraintViolationError)
      throw new ConflictError('A customer with this external_id already exists');
    throw err;
  }
}
