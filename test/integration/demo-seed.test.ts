import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb, type Db } from '../../db/pool.js';
import { DEMO_ADMIN, DEMO_BAIL_ORG, seedDemo } from '../../db/seed/demo.js';
import { FieldCipher } from '../../lib/field-encryption.js';
import { verifyPassword } from '../../lib/passwords.js';

const cipher = FieldCipher.ephemeral();

let db: Db;
beforeAll(async () => {
  db = await createDb(inject('databaseUrl'), { maximumPoolSize: 2 });
});
afterAll(() => db.end());

describe('demo data', () => {
  it('loads once: staff, customers with accounts and cards, a month of transactions', async () => {
    const first = await seedDemo(db, { cardHashKey: 'k'.repeat(32), cipher });
    const second = await seedDemo(db, { cardHashKey: 'k'.repeat(32), cipher });
    expect(first.created).toBe(true);
    expect(second).toEqual({ created: false, orgId: first.orgId });
    const counts = await db.one(sql.unsafe`
      SELECT
        (SELECT count(*) FROM users WHERE org_id = ${first.orgId}) AS users,
        (SELECT count(*) FROM customers WHERE org_id = ${first.orgId}) AS customers,
        (SELECT count(*) FROM cards WHERE org_id = ${first.orgId}) AS cards,
        (SELECT count(*) FROM transactions WHERE org_id = ${first.orgId}) AS transactions`);
    expect(counts).toEqual({ users: 5, customers: 3, cards: 3, transactions: 72 });
    // Three weeks of interactions each, scored: Maya, with the declined card, is the unhappy one.
    const feeling = await db.any(sql.unsafe`
      SELECT external_id, interaction_count, average_sentiment::float8 AS average FROM customers
      WHERE org_id = ${first.orgId} ORDER BY external_id`);
    expect(feeling.map((c) => c.interaction_count)).toEqual([6, 6, 6]);
    expect(feeling[0]!.average).toBeGreaterThan(0.3);
    expect(feeling[2]!.average).toBeLessThan(-0.3);
    const bail = await db.one(sql.unsafe`
      SELECT
        (SELECT count(*) FROM bonds b JOIN organizations o ON o.id = b.org_id WHERE o.name = ${DEMO_BAIL_ORG}) AS bonds,
        (SELECT count(*) FROM court_appearances a JOIN organizations o ON o.id = a.org_id
          WHERE o.name = ${DEMO_BAIL_ORG} AND a.scheduled_at > now()) AS court_dates,
        (SELECT count(*) FROM workflow_starts s JOIN organizations o ON o.id = s.org_id
          WHERE o.name = ${DEMO_BAIL_ORG} AND s.kind = 'court_reminders') AS reminder_runs_owed,
        (SELECT count(*) FROM installments i JOIN organizations o ON o.id = i.org_id
          WHERE o.name = ${DEMO_BAIL_ORG}) AS installments,
        (SELECT count(*) FROM workflow_starts s JOIN organizations o ON o.id = s.org_id
          WHERE o.name = ${DEMO_BAIL_ORG} AND s.kind = 'payment_plan') AS plan_runs_owed`);
    expect(bail).toEqual({
      bonds: 1,
      court_dates: 1,
      reminder_runs_owed: 1,
      installments: 4,
      plan_runs_owed: 1,
    });
    const hash = await db.oneFirst(
      sql.unsafe`SELECT password_hash FROM users WHERE email = ${DEMO_ADMIN.email}`,
    );
    expect(await verifyPassword(String(hash), DEMO_ADMIN.password)).toBe(true);
  });
});
