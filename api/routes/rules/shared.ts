import { z } from '@hono/zod-openapi';
import { pageQuerySchema } from '../../../lib/pagination.js';
import { errorResponses, IdParams, json, jsonBody, pageSchema, securedRoute } from '../../router.js';
import { Uuid } from '../../schemas.js';

/** What the rules context's resources (goals, budgets, bills, alert rules) share: routes, list query, view. */

export const literals = <T extends readonly number[]>(values: T) =>
  z.union(values.map((v) => z.literal(v)) as unknown as [z.ZodLiteral<T[number]>, z.ZodLiteral<T[number]>]);

export const atLeastOne = (p: object) => Object.keys(p).length > 0;
export const ListQuery = pageQuerySchema.extend({ customer_id: Uuid.optional() });

export const strip = <T extends { org_id: string }>({ org_id: _org, ...rest }: T) => rest;

/** The five routes of a customer-owned resource: list, create, get, change, delete. */
export function crud<
  S extends z.ZodTypeAny,
  C extends z.ZodTypeAny,
  P extends z.ZodTypeAny,
  Q extends typeof ListQuery = typeof ListQuery,
>(
  name: string,
  path: string,
  schema: S,
  create: C,
  patch: P,
  opts: { patchMethod?: 'patch' | 'put'; listQuery?: Q } = {},
) {
  const patchMethod = opts.patchMethod ?? 'patch';
  const tags = ['rules'];
  return {
    list: securedRoute('rules:read', {
      method: 'get',
      path,
      tags,
      request: { query: (opts.listQuery ?? ListQuery) as Q },
      responses: { 200: json(pageSchema(schema), `${name}s, newest first`), ...errorResponses },
    }),
    create: securedRoute('rules:write', {
      method: 'post',
      path,
      tags,
      request: { body: jsonBody(create) },
      responses: { 201: json(schema, 'Created'), ...errorResponses },
    }),
    get: securedRoute('rules:read', {
      method: 'get',
      path: `${path}/{id}`,
      tags,
      request: { params: IdParams },
      responses: { 200: json(schema, name), ...errorResponses },
    }),
    update: securedRoute('rules:write', {
      method: patchMethod,
      path: `${path}/{id}`,
      tags,
      request: { params: IdParams, body: jsonBody(patch) },
      responses: { 200: json(schema, 'Updated'), ...errorResponses },
    }),
    remove: securedRoute('rules:write', {
      method: 'delete',
      path: `${path}/{id}`,
      tags,
      request: { params: IdParams },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
  };
}
