import { createRoute, z } from '@hono/zod-openapi';
import { logIn } from '../../commands/platform/log-in.js';
import { completePasswordReset } from '../../commands/platform/passwords.js';
import * as users from '../../db/platform/users.js';
import type { Db } from '../../db/pool.js';
import type { SessionService } from '../auth/sessions.js';
import { unauthorized } from '../errors.js';
import { errorResponses, json, jsonBody, newRouter } from '../router.js';
import { UserSchema } from './users.js';
import { Email } from '../schemas.js';

const TokenPairSchema = z
  .object({
    access_token: z.string(),
    refresh_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int(),
  })
  .openapi('TokenPair');

const login = createRoute({
  method: 'post',
  path: '/auth/login',
  tags: ['auth'],
  request: {
    body: jsonBody(z.object({ email: Email(), password: z.string().min(1).max(1024) })),
  },
  responses: {
    200: json(TokenPairSchema.extend({ user: UserSchema }), 'Signed in'),
    400: errorResponses[400],
    401: errorResponses[401],
  },
});

const refresh = createRoute({
  method: 'post',
  path: '/auth/refresh',
  tags: ['auth'],
  request: { body: jsonBody(z.object({ refresh_token: z.string().min(1).max(200) })) },
  responses: {
    200: json(TokenPairSchema, 'A new token pair'),
    400: errorResponses[400],
    401: errorResponses[401],
  },
});

const logout = createRoute({
  method: 'post',
  path: '/auth/logout',
  tags: ['auth'],
  request: { body: jsonBody(z.object({ refresh_token: z.string().min(1).max(200) })) },
  responses: { 204: { description: 'Signed out' }, 400: errorResponses[400] },
});

const INVALID_LOGIN = 'The email or password is wrong';

const resetPassword = createRoute({
  method: 'post',
  path: '/auth/reset-password',
  tags: ['auth'],
  summary: 'Set a new password with the one-time token an admin started (POST /users/:id/password-reset)',
  request: {
    body: jsonBody(
      z
        .object({
          token: z.string().min(1).max(200),
          new_password: z.string().min(12, 'must be at least 12 characters').max(1024),
        })
        .strict(),
    ),
  },
  responses: {
    204: { description: 'Set: sign in with it' },
    400: errorResponses[400],
    401: errorResponses[401],
  },
});

export function authRoutes(deps: { db: Db; sessions: SessionService }) {
  return newRouter()
    .openapi(login, async (c) => {
      const { email, password } = c.req.valid('json');
      const login = await logIn(deps.db, email, password, {
        requestId: c.get('requestId'),
        address: c.get('clientIp'),
      });
      if (login.outcome === 'invalid') {
        if (login.storm)
          c.get('log').warn({ securityEvent: 'auth.login_storm', ...login.storm }, 'login storm');
        throw unauthorized(INVALID_LOGIN);
      }
      const user = login.user;
      const pair = await deps.sessions.issue(user);
      const { password_hash: _hash, ...publicUser } = user;
      return c.json({ ...pair, user: publicUser }, 200);
    })
    .openapi(refresh, async (c) => {
      const pair = await deps.sessions.refresh(c.req.valid('json').refresh_token, async (orgId, userId) => {
        const user = await users.getUser(deps.db, orgId, userId);
        return user?.status === 'active' ? user : null;
      });
      return c.json(pair, 200);
    })
    .openapi(resetPassword, async (c) => {
      const body = c.req.valid('json');
      const user = await completePasswordReset(deps.db, body.token, body.new_password, c.get('requestId'));
      if (!user)
        throw unauthorized('The reset token is invalid, used or expired; ask an admin for a new one');
      return c.body(null, 204);
    })
    .openapi(logout, async (c) => {
      await deps.sessions.logout(c.req.valid('json').refresh_token);
      return c.body(null, 204);
    });
}
