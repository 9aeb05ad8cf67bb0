import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from '../pool.js';

export const organizationRow = z.object({ id: z.string().uuid(), name: z.string(), created_at: z.string() });
export type OrganizationRow = z.infer<typeof organizationRow>;

export function createOrganization(db: Queryable, name: string): Promise<OrganizationRow> {
  return db.one(sql.type(organizationRow)`
    INSERT INTO organizations (name) VALUES (${name}) RETURNING id, name, created_at`);
}

export function findOrganizationByName(db: Queryable, name: string): Promise<OrganizationRow | null> {
  return db.maybeOne(
    sql.type(organizationRow)`SELECT id, name, created_at FROM organizations WHERE name = ${name}`,
  );
}

/** Every organisation's id, for maintenance passes that visit each tenant in turn. */
export function listOrganizationIds(db: Queryable): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ id: z.string() }))`SELECT id FROM organizations ORDER BY id`);
}
