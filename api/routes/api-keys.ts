import type { Revocations } from '../auth/revocations.js';
import { z } from '@hono/zod-openapi';
import * as keys from '../../db/platform/api-keys.js';
import type { Db } from '../../db/pool.js';
import { pageQuerySchema, toPage } from '../../lib/pagination.js';
import { ROLES } from '../../lib/roles.js';
import { newSecret, sha256 } from '../auth/tokens.js';
import { createApiKey } from '../../commands/platform/create-api-key.js';
import { revokeApiKey } from '../../commands/platform/revoke-api-key.js';
import { commandActor } from '../audit.js';
import { notFound } from '../errors.js';
import { errorResponses, IdParams, json, jsonBody, newRouter, pageSchema, securedRoute } from '../router.js';
import { Text } from '../schemas.js';

const ApiKeySchema = keys.apiKeyRow.omit({ org_id: true }).openapi('ApiKey');

const create = securedRoute('api_keys:manage', {
  method: 'post',
  path: '/api-keys',
  tags: ['api keys'],
  summary: 'Create a service key; its secret is shown once',
  request: { body: jsonBody(z.object({ name: Text(100), role: z.enum(ROLES) })) },
  responses: { 201: json(ApiKeySchema.extend({ key: z.string() }), 'Created'), ...errorResponses },
});

const list = securedRoute('api_keys:manage', {
  method: 'get',
  path: '/api-keys',
  tags: ['api keys'],
  request: { query: pageQuerySchema },
  responses: { 200: json(pageSchema(ApiKeySchema), 'Keys, newest first'), ...errorResponses },
});

const revoke = securedRoute('api_keys:manage', {
  method: 'delete',
  path: '/api-keys/{id}',
  tags: ['api keys'],
  request: { params: IdParams },
  responses: { 200: json(ApiKeySchema, 'Revoked'), ...errorResponses },
});

const publicKey = ({ org_id: _org, ...k }: keys.ApiKeyRow) => k;

export function apiKeyRoutes(deps: { db: Db; revocations: Revocations }) {
  return newRouter()
    .openapi(create, async (c) => {
      const body = c.req.valid('json');
      const p = c.get('principal');
      const prefix = newSecret(6);
      const key = `sk_${prefix}_${newSecret()}`;
      const row = await createApiKey(
        deps.db,
        p.orgId,
        { name: body.name, role: body.role, prefix, keyHash: sha256(key) },
        commandActor(c),
      );
      return c.json({ ...publicKey(row), key }, 201);
    })
    .openapi(list, async (c) => {
      const q = c.req.valid('query');
      const rows = await keys.listApiKeys(deps.db, c.get('principal').orgId, q);
      const page = toPage(rows, q.limit);
      return c.json({ ...page, data: page.data.map(publicKey) }, 200);
    })
    .openapi(revoke, async (c) => {
      const row = await revokeApiKey(
        deps.db,
        c.get('principal').orgId,
        c.req.valid('param').id,
        commandActor(c),
      );
      if (!row) throw notFound('api key');
      deps.revocations.noteRevoked({ apiKeyIds: [row.id] });
      return c.json(publicKey(row), 200);
    });
}
