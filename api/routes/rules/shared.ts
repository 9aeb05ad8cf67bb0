import { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { Context } from 'hono';
import { evaluateRulesNow } from '../../../commands/rules/evaluate-rules.js';
import type { Db } from '../../../db/pool.js';
import { pageQuerySchema } from '../../../lib/pagination.js';
import { dispatchStarts } from '../../../temporal/clients/pending-starts.js';
import { commandActor } from '../../audit.js';
import type { AppEnv } from '../../env.js';
import { errorResponses, IdParams, json, jsonBody, pageSchema, securedRoute } from '../../router.js';
import { Uuid } from '../../schemas.js';

/** What the rules context's resources (goals, budgets, bills, alert rules) share: routes, list query, view. */

export const literals = <T extends readonly number[]>(values: T) =>
  z.union(values.map((v) => z.literal(v)) as unknown as [z.ZodLiteral<T[number]>, z.ZodLiteral<T[number]>]);

export const atLeastOne = (p: object) => Object.keys(p).length > 0;
export const ListQuery = pageQuerySchema.extend({ customer_id: Uuid.optional() });

export type RulesRouteDeps = { db: Db; temporal: Client; taskQueuePrefix: string };

/**
 * After a goal or budget changes, its customer's rules are evaluated at once (not at the next
 * 5-minute pass): "80 % of your goal" follows the deposit that reached it. The change is already
 * committed; if this fails, the pass evaluates them and the answer is not an error.
 */
export async function evaluateAfterChange(deps: RulesRouteDeps, c: Context<AppEnv>, customerId: string) {
  try {
    const r = await evaluateRulesNow(deps.db, c.get('principal').orgId, customerId, commandActor(c));
    await dispatchStarts(deps.temporal, deps.db, r.starts, {
      prefix: deps.taskQueuePrefix,
      log: c.get('log'),
    });
  } catch (err) {
    c.get('log').warn({ err, customerId }, 'rules not evaluated after the change; the periodic pass will');
  }
}

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
