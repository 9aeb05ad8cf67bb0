import { randomBytes } from 'node:crypto';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appendAudit, enforceRetention } from '../../db/platform/audit.js';
import { createOrganization } from '../../db/platform/organizations.js';
import { insertCustomer } from '../../db/customers/customers.js';
import { createDb, type Db } from '../../db/pool.js';
import { superuserProblem } from '../../db/role-check.js';
import { FieldCipher } from '../../lib/field-encryption.js';

/**
 * The role production runs as (docker-compose.yml): a login granted sentinel_app, on the migrated
 * schema. It does the application's work; it cannot change the schema or rewrite the audit trail.
 */
const role = `sentinel_test_${randomBytes(4).toString('hex')}`;
let owner: Db;
let app: Db;
beforeAll(async () => {
  owner = await createDb(inject('databaseUrl'), { maximumPoolSize: 2 });
  await owner.query(sql.unsafe`CREATE ROLE ${sql.identifier([role])} LOGIN IN ROLE sentinel_app`);
  const url = new URL(inject('databaseUrl'));
  url.username = role;
  url.password = '';
  app = await createDb(url.toString(), { maximumPoolSize: 2 });
});
afterAll(async () => {
  await app?.end();
  await owner.query(sql.unsafe`DROP OWNED BY ${sql.identifier([role])}`);
  await owner.query(sql.unsafe`DROP ROLE ${sql.identifier([role])}`);
  await owner.end();
});

describe('the application role', () => {
  it('is refused at start-up only when it is a superuser', async () => {
    expect(await superuserProblem(owner)).toMatch(/is a superuser|a superuser:/);
    expect(await superuserProblem(app)).toBeNull();
  });

  it('does the application’s work: rows in, rows out, the audit trail appended and its retention run', async () => {
    const org = await createOrganization(app, `role-${role}`);
    const customer = await insertCustomer(
      app,
      org.id,
      { external_id: 'role-1', first_name: 'Ro', last_name: 'Le', kyc_status: 'verified' },
      FieldCipher.ephemeral(),
    );
    expect(customer.org_id).toBe(org.id);
    await app.query(sql.unsafe`UPDATE customers SET segment = 'vip' WHERE id = ${customer.id}`);
    await appendAudit(app, {
      orgId: org.id,
      actorType: 'system',
      actorId: 'test',
      action: 'role.checked',
      resourceType: 'customer',
      resourceId: customer.id,
    });
    expect(await enforceRetention(app, 3650)).toBeGreaterThanOrEqual(0);
  });

  it('can neither rewrite the audit trail nor change the schema nor read the migrations', async () => {
    await expect(app.query(sql.unsafe`UPDATE audit_events SET action = 'x' WHERE false`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(app.query(sql.unsafe`DELETE FROM audit_events WHERE false`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(app.query(sql.unsafe`CREATE TABLE role_probe (id int)`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(app.query(sql.unsafe`ALTER TABLE customers ADD COLUMN probe int`)).rejects.toThrow(
      /must be owner|permission denied/,
    );
    await expect(app.query(sql.unsafe`SELECT * FROM pgmigrations`)).rejects.toThrow(/permission denied/);
  });
});
