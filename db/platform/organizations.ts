import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from '../pool.js';

export const organizationRow = z.object({
  id: z.string().uuid(),
  name: z.string(),
  /** The number its SMS are sent from and replies arrive at (E.164); null = the deployment's TWILIO_FROM. */
  sms_number: z.string().nullable(),
  created_at: z.string(),
});
export type OrganizationRow = z.infer<typeof organizationRow>;

export function createOrganization(db: Queryable, name: string): Promise<OrganizationRow> {
  return db.one(sql.type(organizationRow)`
    INSERT INTO organizations (name) VALUES (${name}) RETURNING id, name, sms_number, created_at`);
}

export function findOrganizationByName(db: Queryable, name: string): Promise<OrganizationRow | null> {
  return db.maybeOne(
    sql.type(
      organizationRow,
    )`SELECT id, name, sms_number, created_at FROM organizations WHERE name = ${name}`,
  );
}

/** Every organisation's id, for maintenance passes that visit each tenant in turn. */
export function listOrganizationIds(db: Queryable): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ id: z.string() }))`SELECT id FROM organizations ORDER BY id`);
}

export function getOrganization(db: Queryable, orgId: string): Promise<OrganizationRow> {
  return db.one(
    sql.type(organizationRow)`SELECT id, name, sms_number, created_at FROM organizations WHERE id = ${orgId}`,
  );
}

export function setSmsNumber(
  db: Queryable,
  orgId: string,
  smsNumber: string | null,
): Promise<OrganizationRow> {
  return db.one(sql.type(organizationRow)`
    UPDATE organizations SET sms_number = ${smsNumber} WHERE id = ${orgId}
    RETURNING id, name, sms_number, created_at`);
}

/** The organisation an inbound SMS was sent to (its `To`, E.164); before any tenant is known. */
export function organizationBySmsNumber(db: Queryable, smsNumber: string): Promise<string | null> {
  return db.maybeOneFirst(
    sql.type(z.object({ id: z.string() }))`SELECT id FROM organizations WHERE sms_number = ${smsNumber}`,
  );
}
