import type { Revocations } from '../auth/revocations.js';
import { z } from '@hono/zod-openapi';
import * as keys from '../../db/platform/api-keys.js';
import type { Db } from '../../db/pool.js';
import { pageQuerySchema, toPage } from '../../lib/pagination.js';
import { PERMISSIONS, ROLES } from '../../lib/roles.js';
import { UnprocessableFieldError } from '../../lib/domain-errors.js';
import { newSecret, sha256 } from '../auth/tokens.js';
import { createApiKey } from '../../commands/platform/create-api-key.js';
import { revokeApiKey } from '../../commands/platform/revoke-api-key.js';
import { commandActor } from '../audit.js';
import { notFound } from '../errors.js';
import { errorResponses, IdParams, json, jsonBody, newRouter, pageSchema, securedRoute } from '../router.js';
import { IsoDateTime, Text } from '../schemas.js';

const ApiKeySchema = keys.apiKeyRow.omit({ org_id: true }).openapi('ApiKey');

const create = securedRoute('api_keys:manage', {
  method: 'post',
  path: '/api-keys',
  tags: ['api keys'],
  summary: 'Create a service key; its secret is shown once',
  description:
    'A key answers to a person: you, or the owner of the key creating it. It can do at most what its role, its owner’s current role and its scopes allow; disabling the owner (or revoking their access) revokes it. It expires after a year unless `expires_at` says otherwise.',
  request: {
    body: jsonBody(
      z
        .object({
          name: Text(100),
          role: z.enum(ROLES),
          expires_at: IsoDateTime.optional().openapi({ description: 'Default: a year from now' }),
          scopes: z
            .array(z.enum(PERMISSIONS))
            .min(1)
            .max(PERMISSIONS.length)
            .optional()
            .openapi({ description: 'Only these of the role’s permissions' }),
        })
        .strict(),
    ),
  },
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
      if (body.expires_at && Date.parse(body.expires_at) <= Date.now())
        throw new UnprocessableFieldError('body.expires_at', 'must be in the future', 'past');
      const row = await createApiKey(
        deps.db,
        p.orgId,
        {
          name: body.name,
          role: body.role,
          prefix,
          keyHash: sha256(key),
          expiresAt: body.expires_at ?? null,
          scopes: body.scopes ? [...new Set(body.scopes)] : null,
        },
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
