import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSchedules } from '../../temporal/schedules.js';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ worker: true });
});
afterAll(() => h.close());

describe('schedules', () => {
  it('are created once, however many workers start', async () => {
    const ids = await ensureSchedules(h.temporal, h.prefix);
    expect(await ensureSchedules(h.temporal, h.prefix)).toEqual(ids);
    const described = await h.temporal.schedule.getHandle(`${h.prefix}maintain-partitions`).describe();
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'maintainPartitions' });
  });

  it('keep transaction partitions three months ahead', async () => {
    const result = await h.temporal.workflow.execute('maintainPartitions', {
      taskQueue: `${h.prefix}platform`,
      workflowId: `${h.prefix}maintain-partitions-now`,
    });
    expect(result).toEqual({ created: expect.any(Number) });
    const ahead = new Date();
    ahead.setUTCMonth(ahead.getUTCMonth() + 3, 1);
    const name = `transactions_${ahead.getUTCFullYear()}_${String(ahead.getUTCMonth() + 1).padStart(2, '0')}`;
    expect(await h.db.oneFirst(sql.unsafe`SELECT to_regclass(${name}) IS NOT NULL`)).toBe(true);
  });
});
