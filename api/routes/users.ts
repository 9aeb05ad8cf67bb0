import { z } from '@hono/zod-openapi';
import * as users from '../../db/platform/users.js';
import type { Db } from '../../db/pool.js';
import { pageQuerySchema, toPage } from '../../lib/pagination.js';
import { allows, PERMISSIONS, ROLES } from '../../lib/roles.js';
import { commandActor } from '../audit.js';
import { ApiError, notFound } from '../errors.js';
import {
  conflictResponses,
  errorResponses,
  IdParams,
  json,
  jsonBody,
  newRouter,
  pageSchema,
  securedRoute,
} from '../router.js';
import type { Revocations } from '../auth/revocations.js';
import { createUser } from '../../commands/platform/create-user.js';
import { changeUser, revokeUserAccess } from '../../commands/platform/user-access.js';
import { changeOwnPassword, startPasswordReset } from '../../commands/platform/passwords.js';
import { Email, Text } from '../schemas.js';

export const UserSchema = users.userRow.openapi('User');

const me = securedRoute('users:read', {
  method: 'get',
  path: '/me',
  tags: ['users'],
  summary: 'The signed-in user, or the API key’s identity',
  responses: {
    200: json(
      z.object({
        actor_type: z.enum(['user', 'api_key']),
        actor_id: z.string(),
        org_id: z.string(),
        role: z.enum(ROLES),
        /** A user's; null for an API key. */
        email: z.string().nullable(),
        name: z.string().nullable(),
        /** What the caller may do: clients show only the actions it allows (the API still checks). */
        permissions: z.array(z.enum(PERMISSIONS)),
      }),
      'Caller',
    ),
    401: errorResponses[401],
  },
});

const list = securedRoute('users:read', {
  method: 'get',
  path: '/users',
  tags: ['users'],
  request: { query: pageQuerySchema },
  responses: {
    200: json(pageSchema(UserSchema), 'Staff of your organisation, newest first'),
    ...errorResponses,
  },
});

const get = securedRoute('users:read', {
  method: 'get',
  path: '/users/{id}',
  tags: ['users'],
  request: { params: IdParams },
  responses: { 200: json(UserSchema, 'A user'), ...errorResponses },
});

const create = securedRoute('users:write', {
  method: 'post',
  path: '/users',
  tags: ['users'],
  request: {
    body: jsonBody(
      z.object({
        email: Email(),
        name: Text(200),
        password: z.string().min(12, 'must be at least 12 characters').max(1024),
        role: z.enum(ROLES),
      }),
    ),
  },
  responses: {
    201: json(UserSchema, 'Created'),
    409: json(z.object({}), 'Email already in use'),
    ...errorResponses,
  },
});

const update = securedRoute('users:write', {
  method: 'patch',
  path: '/users/{id}',
  tags: ['users'],
  summary: 'Change a colleague’s role, status or name; a role change or disabling revokes their tokens',
  description:
    'Tokens issued before the change stop working on every replica within seconds, and their event streams close. Disabling also ends their sessions. You cannot change your own role or status.',
  request: {
    params: IdParams,
    body: jsonBody(
      z
        .object({
          name: Text(200).optional(),
          role: z.enum(ROLES).optional(),
          status: z.enum(['active', 'disabled']).optional(),
        })
        .strict()
        .refine((b) => Object.keys(b).length > 0, 'send at least one field to change')
        .openapi({ minProperties: 1 }),
    ),
  },
  responses: { 200: json(UserSchema, 'Updated'), ...conflictResponses, ...errorResponses },
});

const revoke = securedRoute('users:write', {
  method: 'post',
  path: '/users/{id}/revoke-access',
  tags: ['users'],
  summary: 'Sign a colleague out everywhere: sessions, access tokens and the API keys they created',
  request: { params: IdParams },
  responses: {
    200: json(
      z.object({ sessions_revoked: z.number().int(), api_keys_revoked: z.number().int() }),
      'Revoked; effective within seconds on every replica',
    ),
    ...errorResponses,
  },
});

const NewPassword = z.string().min(12, 'must be at least 12 characters').max(1024);

const changePassword = securedRoute('users:read', {
  method: 'post',
  path: '/me/password',
  tags: ['users'],
  summary: 'Change your own password: every session and access token of yours ends (sign in again)',
  request: {
    body: jsonBody(
      z.object({ current_password: z.string().min(1).max(1024), new_password: NewPassword }).strict(),
    ),
  },
  responses: { 204: { description: 'Changed' }, ...errorResponses },
});

const startReset = securedRoute('users:write', {
  method: 'post',
  path: '/users/{id}/password-reset',
  tags: ['users'],
  summary:
    'Reset a colleague’s password: their sessions end now and a one-time token (an hour) lets them set a new one',
  description:
    'The token is shown once: hand it to the colleague, who sends it to POST /auth/reset-password with a new password. Their old password stops working at once.',
  request: { params: IdParams },
  responses: {
    201: json(z.object({ reset_token: z.string(), expires_at: z.string() }), 'Started'),
    ...errorResponses,
  },
});

export function userRoutes(deps: { db: Db; revocations: Revocations }) {
  return newRouter()
    .openapi(me, async (c) => {
      const p = c.get('principal');
      const user = p.actorType === 'user' ? await users.getUser(deps.db, p.orgId, p.actorId) : null;
      const permissions = PERMISSIONS.filter((perm) => allows(p, perm));
      return c.json(
        {
          actor_type: p.actorType,
          actor_id: p.actorId,
          org_id: p.orgId,
          role: p.role,
          email: user?.email ?? null,
          name: user?.name ?? null,
          permissions,
        },
        200,
      );
    })
    .openapi(list, async (c) => {
      const q = c.req.valid('query');
      const rows = await users.listUsers(deps.db, c.get('principal').orgId, q);
      return c.json(toPage(rows, q.limit), 200);
    })
    .openapi(get, async (c) => {
      const user = await users.getUser(deps.db, c.get('principal').orgId, c.req.valid('param').id);
      if (!user) throw notFound('user');
      return c.json(user, 200);
    })
    .openapi(create, async (c) => {
      const body = c.req.valid('json');
      const user = await createUser(deps.db, c.get('principal').orgId, body, commandActor(c));
      return c.json(user, 201);
    })
    .openapi(update, async (c) => {
      const p = c.get('principal');
      const id = c.req.valid('param').id;
      const body = c.req.valid('json');
      if (id === p.actorId && (body.role !== undefined || body.status !== undefined)) {
        throw new ApiError(409, 'conflict', 'You cannot change your own role or status');
      }
      const changed = await changeUser(deps.db, p.orgId, id, body, commandActor(c));
      if (!changed) throw notFound('user');
      const { user, apiKeyIds } = changed;
      deps.revocations.noteRevoked({ user: { id: user.id, tokenVersion: user.token_version }, apiKeyIds });
      return c.json(user, 200);
    })
    .openapi(changePassword, async (c) => {
      const p = c.get('principal');
      if (p.actorType !== 'user')
        throw new ApiError(403, 'forbidden', 'Only a signed-in user has a password');
      const body = c.req.valid('json');
      const user = await changeOwnPassword(
        deps.db,
        p.orgId,
        p.actorId,
        { current: body.current_password, next: body.new_password },
        commandActor(c),
      );
      deps.revocations.noteRevoked({ user: { id: user.id, tokenVersion: user.token_version } });
      return c.body(null, 204);
    })
    .openapi(startReset, async (c) => {
      const r = await startPasswordReset(
        deps.db,
        c.get('principal').orgId,
        c.req.valid('param').id,
        commandActor(c),
      );
      deps.revocations.noteRevoked({ user: { id: r.user.id, tokenVersion: r.user.token_version } });
      return c.json({ reset_token: r.token, expires_at: r.expiresAt }, 201);
    })
    .openapi(revoke, async (c) => {
      const result = await revokeUserAccess(
        deps.db,
        c.get('principal').orgId,
        c.req.valid('param').id,
        commandActor(c),
      );
      if (!result) throw notFound('user');
      const { revoked, ...counts } = result;
      deps.revocations.noteRevoked(revoked);
      return c.json(counts, 200);
    });
}
