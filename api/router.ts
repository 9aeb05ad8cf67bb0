import { createRoute, OpenAPIHono, z, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { Permission } from '../lib/roles.js';
import type { AppEnv } from './env.js';
import { ApiError, issuePath, validationError } from './errors.js';
import { requirePermission } from './middleware/auth.js';

// Where a bad value was, as clients name it: body.email, query.limit, path.id, header.x.
const LOCATIONS: Record<string, string> = {
  json: 'body',
  form: 'body',
  param: 'path',
  query: 'query',
  header: 'header',
};

/** Where a NUL character hides in a validated value: Postgres text cannot hold one. */
function nulPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return value.includes('\u0000') ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => nulPaths(v, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      k.includes('\u0000') ? [[...path, k]] : nulPaths(v, [...path, k]),
    );
  }
  return [];
}

/** A 400 naming every field holding a NUL character; Postgres text cannot hold one. */
export function rejectNul(location: string, data: unknown): void {
  const nul = nulPaths(data);
  if (!nul.length) return;
  throw new ApiError(400, 'validation_failed', 'The request is not valid', {
    issues: nul.map((p) => ({
      path: issuePath(location, p),
      message: 'must not contain a NUL character',
      code: 'invalid_string',
    })),
  });
}

/**
 * A router whose validation failures become the 400 envelope with field paths. A NUL character
 * in any accepted text (which Postgres refuses) is one of them, whatever the route's schema.
 */
export function newRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      const location = LOCATIONS[result.target] ?? result.target;
      if (!result.success) throw validationError(location, result.error);
      rejectNul(location, result.data);
    },
  });
}

/**
 * The hook of a body that is one item or `{ [batchKey]: [...] }`: a failure is re-parsed by its
 * shape, so errors name the field (body.transactions[3].amount), not "invalid union". A route's
 * own hook replaces the router's, so this one also rejects NUL characters.
 */
export function checkOneOrBatch(
  result: { success: boolean; data?: unknown; error?: unknown },
  batchKey: string,
  batch: z.ZodTypeAny,
  one: z.ZodTypeAny,
): undefined {
  const raw = result.data;
  if (result.success) {
    rejectNul('body', raw);
    return undefined;
  }
  const isBatch = typeof raw === 'object' && raw !== null && batchKey in raw;
  const precise = (isBatch ? batch : one).safeParse(raw);
  throw validationError('body', precise.success ? (result.error as z.ZodError) : precise.error);
}

/** An authenticated route that declares the permission it needs; documented with both auth schemes. */
export function securedRoute<R extends Omit<RouteConfig, 'middleware' | 'security'>>(
  permission: Permission,
  route: R,
): R & { middleware: MiddlewareHandler<AppEnv> } {
  const full = {
    ...route,
    security: [{ bearerAuth: [] as string[] }, { apiKey: [] as string[] }] as Record<string, string[]>[],
    middleware: requirePermission(permission),
    description: `${route.description ?? ''}\n\nRequires permission \`${permission}\`.`.trim(),
  };
  return createRoute(full as RouteConfig) as unknown as typeof full;
}

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string(),
      details: z.unknown().optional(),
      requestId: z.string(),
    }),
  })
  .openapi('Error');

export const errorResponses = {
  400: { description: 'Invalid request', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Not authenticated', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'Permission missing', content: { 'application/json': { schema: ErrorSchema } } },
  404: {
    description: 'Not found in your organisation',
    content: { 'application/json': { schema: ErrorSchema } },
  },
  422: {
    description:
      'Allowed by this document, but it cannot be processed: a record your organisation does not have, a cursor this server did not give out, a value no schema can check (details name the fields)',
    content: { 'application/json': { schema: ErrorSchema } },
  },
} as const;

export const conflictResponses = {
  409: {
    description: 'Conflicts with the current state',
    content: { 'application/json': { schema: ErrorSchema } },
  },
  422: { description: 'Valid, but cannot be done', content: { 'application/json': { schema: ErrorSchema } } },
} as const;

export const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = <T extends z.ZodTypeAny>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

/** Writes that may be retried take an Idempotency-Key (api/idempotency.ts). */
const IdempotencyKey = z
  .string()
  .regex(/^[\w.:-]{1,200}$/)
  .openapi({
    description:
      'Retry-safe key, your own (per caller): the same key and body answer the first result; another body is 422',
  });
export const IdempotencyHeaders = z.object({ 'idempotency-key': IdempotencyKey.optional() });
/** For writes that must never happen twice (a card charge): no key, no request. */
export const RequiredIdempotencyHeaders = z.object({ 'idempotency-key': IdempotencyKey });

export const IdParams = z.object({
  id: z
    .string()
    .uuid()
    .openapi({ param: { name: 'id', in: 'path' } }),
});

// Lists take lib/pagination's pageQuerySchema (limit, cursor; a bad cursor is a 400).
export const pageSchema = <T extends z.ZodTypeAny>(item: T) =>
  z.object({
    data: z.array(item),
    pagination: z.object({
      next_cursor: z.string().nullable(),
      has_next: z.boolean(),
      count: z.number().int(),
    }),
  });

/** A page of a list that takes include_total (lib/pagination's includeTotalQuery). */
export const pageWithTotalSchema = <T extends z.ZodTypeAny>(item: T) =>
  pageSchema(item).extend({
    meta: z
      .object({ total_count: z.number().int() })
      .optional()
      .openapi({ description: 'With include_total=true only' }),
  });
