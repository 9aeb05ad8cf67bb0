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

/** Gives a sending number to an organisation (a platform operator's act); false when another has it. */
export async function assignSmsNumber(
  db: Queryable,
  orgId: string,
  number: string,
  assignedBy: string,
): Promise<boolean> {
  const row = await db.maybeOne(sql.type(z.object({ org_id: z.string() }))`
    INSERT INTO sms_number_assignments (number, org_id, assigned_by) VALUES (${number}, ${orgId}, ${assignedBy})
    ON CONFLICT (number) DO UPDATE SET number = EXCLUDED.number
    RETURNING org_id`);
  return row?.org_id === orgId;
}

/** Whether the platform gave this number to the organisation. */
export function isSmsNumberAssigned(db: Queryable, orgId: string, number: string): Promise<boolean> {
  return db.exists(sql.unsafe`
    SELECT 1 FROM sms_number_assignments WHERE number = ${number} AND org_id = ${orgId}`);
}

/** Records an inbound SMS by its MessageSid: false when it was seen before (a retry or a replay). */
export async function claimInboundSms(db: Queryable, orgId: string, messageSid: string): Promise<boolean> {
  const row = await db.maybeOne(sql.type(z.object({ message_sid: z.string() }))`
    INSERT INTO inbound_sms (org_id, message_sid) VALUES (${orgId}, ${messageSid})
    ON CONFLICT DO NOTHING RETURNING message_sid`);
  return row !== null;
}
