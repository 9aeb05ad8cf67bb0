import { z } from 'zod';
import { UNPROCESSABLE } from './domain-errors.js';

/**
 * Keyset pagination shared by every list: `?limit=&cursor=`, newest first. The cursor is opaque
 * to clients: base64url of the last row's sort key (its ORDER BY values, id last).
 */
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 100;

export type CursorKey = (string | number)[];

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not one this API issued');
    this.name = 'InvalidCursorError';
  }
}

const cursorKey = z
  .array(z.union([z.string().max(100), z.number().finite()]))
  .min(1)
  .max(4);

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string, length?: number): CursorKey {
  try {
    const key = cursorKey.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (length !== undefined && key.length !== length) throw new InvalidCursorError();
    return key;
  } catch {
    throw new InvalidCursorError();
  }
}

export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT),
  cursor: z
    .string()
    .max(512)
    .regex(/^[\w-]*$/, 'invalid cursor')
    .optional()
    .superRefine((c, ctx) => {
      if (c === undefined) return;
      try {
        decodeCursor(c);
      } catch {
        // Of the documented form, but not one this API gave out.
        ctx.addIssue({ code: 'custom', message: 'invalid cursor', params: UNPROCESSABLE });
      }
    }),
});

export type PageQuery = z.infer<typeof pageQuerySchema>;

/** `include_total=true`: the page also says how many rows match in all (meta.total_count), at one count's cost. */
export const includeTotalQuery = {
  include_total: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: add meta.total_count, the rows matching the filters on every page'),
};

/** Adds meta.total_count to a page when the query asked for it (`count` runs only then). */
export async function withTotal<P extends object>(
  page: P,
  q: { include_total?: 'true' | 'false' | undefined },
  count: () => Promise<number>,
): Promise<P & { meta?: { total_count: number } }> {
  return q.include_total === 'true' ? { ...page, meta: { total_count: await count() } } : page;
}

export type Page<T> = {
  data: T[];
  pagination: { next_cursor: string | null; has_next: boolean; count: number };
};

const byCreated = (row: { created_at: string; id: string }): CursorKey => [row.created_at, row.id];

/** Turns `limit + 1` fetched rows into a page: the extra row only says whether there is a next page. */
export function toPage<T>(
  rows: readonly T[],
  limit: number,
  keyOf: (row: T) => CursorKey = byCreated as unknown as (row: T) => CursorKey,
): Page<T> {
  const has_next = rows.length > limit;
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  return {
    data,
    pagination: {
      next_cursor: has_next && last !== undefined ? encodeCursor(keyOf(last)) : null,
      has_next,
      count: data.length,
    },
  };
}
