import { sql, UniqueIntegrityConstraintViolationError } from 'slonik';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const prepared = z.object({ name: z.string(), statement: z.string() });

describe('the database driver (db/pg-driver.ts)', () => {
  it('prepares a statement once per connection and runs it again by name', async () => {
    const marker = `prepared-${Date.now()}`;
    await h.db.connect(async (connection) => {
      const read = () =>
        connection.oneFirst(sql.type(z.object({ v: z.string() }))`SELECT ${marker}::text AS v`);
      expect(await read()).toBe(marker);
      expect(await read()).toBe(marker);
      const mine = await connection.any(sql.type(prepared)`
        SELECT name, statement FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1::text AS v%'`);
      // One server-side statement for both runs, under the driver's name.
      expect(mine).toHaveLength(1);
      expect(mine[0]!.name).toMatch(/^sentinel_\d+$/);
    });
  });

  it('runs a statement with many parameters unnamed, and keeps the value types and error classes', async () => {
    const many = Array.from({ length: 100 }, (_, i) => i);
    await h.db.connect(async (connection) => {
      const total = await connection.oneFirst(
        sql.type(z.object({ total: z.string() }))`SELECT (${sql.join(
          many.map((n) => sql.fragment`${n}::numeric`),
          sql.fragment` + `,
        )})::numeric(10, 2) AS total`,
      );
      expect(total).toBe('4950.00'); // numeric stays an exact string
      expect(
        await connection.anyFirst(sql.unsafe`
          SELECT name FROM pg_prepared_statements WHERE statement LIKE 'SELECT ($1::numeric + $2::numeric%'`),
      ).toEqual([]);
      const day = await connection.oneFirst(sql.unsafe`SELECT '2026-12-04'::date AS d`);
      expect(day).toBe('2026-12-04');
    });
    await expect(
      h.db.transaction(async (t) => {
        await t.query(sql.unsafe`CREATE TEMP TABLE once (k text PRIMARY KEY) ON COMMIT DROP`);
        await t.query(sql.unsafe`INSERT INTO once VALUES ('a')`);
        await t.query(sql.unsafe`INSERT INTO once VALUES ('a')`);
      }),
    ).rejects.toBeInstanceOf(UniqueIntegrityConstraintViolationError);
  });
});
