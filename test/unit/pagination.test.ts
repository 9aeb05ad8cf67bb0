import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  encodeCursor,
  InvalidCursorError,
  pageQuerySchema,
  toPage,
} from '../../lib/pagination.js';

describe('keyset pagination', () => {
  it('round-trips any cursor key', () => {
    fc.assert(
      fc.property(
        fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4102444800000) }),
        fc.uuid(),
        (d, id) => {
          const key = [d.toISOString(), id];
          expect(decodeCursor(encodeCursor(key))).toEqual(key);
        },
      ),
    );
  });

  it('rejects cursors it did not issue', () => {
    for (const bad of [
      '',
      'abc',
      Buffer.from('{"t":"x","id":"y"}').toString('base64url'),
      Buffer.from('[]').toString('base64url'),
      '%%%',
    ]) {
      expect(() => decodeCursor(bad)).toThrow(InvalidCursorError);
    }
    expect(pageQuerySchema.safeParse({ cursor: 'nope' }).success).toBe(false);
  });

  it('bounds the limit', () => {
    expect(pageQuerySchema.parse({}).limit).toBe(50);
    expect(pageQuerySchema.safeParse({ limit: '101' }).success).toBe(false);
    expect(pageQuerySchema.safeParse({ limit: '0' }).success).toBe(false);
  });

  it('uses the extra row only to say there is a next page', () => {
    const rows = [3, 2, 1].map((n) => ({
      id: `00000000-0000-4000-8000-00000000000${n}`,
      created_at: `2026-01-0${n}T00:00:00Z`,
    }));
    const page = toPage(rows, 2);
    expect(page.data).toHaveLength(2);
    expect(page.pagination).toMatchObject({ has_next: true, count: 2 });
    expect(decodeCursor(page.pagination.next_cursor!)).toEqual([rows[1]!.created_at, rows[1]!.id]);
    expect(toPage(rows, 3).pagination).toEqual({ next_cursor: null, has_next: false, count: 3 });
  });
});
