import { createRoute, z } from '@hono/zod-openapi';
import { logIn } from '../../commands/platform/log-in.js';
import { completePasswordReset } from '../../commands/platform/passwords.js';
import * as users from '../../db/platform/users.js';
import type { Db } from '../../db/pool.js';
import type { Revocations } from '../auth/revocations.js';
import type { SessionService } from '../auth/sessions.js';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../env.js';
import { forbidden, unauthorized } from '../errors.js';
import { errorResponses, json, jsonBody, newRouter } from '../router.js';
import { UserSchema } from './users.js';
import { Email } from '../schemas.js';

/**
 * The refresh token's cookie, for the console: httpOnly (no script reads it), SameSite=Strict and
 * scoped to the auth paths (no other request carries it), Secure in production.
 */
export const REFRESH_COOKIE = 'sentinel_refresh';
const COOKIE_PATH = '/api/v1/auth';
/**
 * Readable by the page and secret-free: it says a session cookie exists, so a console opened while
 * signed out does not ask for a refresh it would be refused (a 401 in the browser's console).
 */
export const SESSION_HINT_COOKIE = 'sentinel_session';

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

/** A body that browsers leave out: their refresh token travels in the httpOnly cookie instead. */
const OptionalRefreshBody = {
  required: false,
  content: {
    'application/json': { schema: z.object({ refresh_token: z.string().min(1).max(200).optional() }) },
  },
};

const refresh = createRoute({
  method: 'post',
  path: '/auth/refresh',
  tags: ['auth'],
  summary: `The token from the body, else from the ${REFRESH_COOKIE} cookie (which login sets; a cookie refresh must come from the console's origin)`,
  request: { body: OptionalRefreshBody },
  responses: {
    200: json(TokenPairSchema, 'A new token pair'),
    400: errorResponses[400],
    401: errorResponses[401],
    403: errorResponses[403],
  },
});

const logout = createRoute({
  method: 'post',
  path: '/auth/logout',
  tags: ['auth'],
  summary: 'Ends the session of the token in the body or the cookie, and clears the cookie',
  request: { body: OptionalRefreshBody },
  responses: { 204: { description: 'Signed out' }, 400: errorResponses[400], 403: errorResponses[403] },
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

export function authRoutes(deps: {
  db: Db;
  sessions: SessionService;
  revocations: Revocations;
  /** Secure cookies (production) */
  secureCookies: boolean;
  refreshTtlSeconds: number;
  /** Origins besides the server's own that may refresh by cookie (CORS_ORIGINS, PUBLIC_URL). */
  trustedOrigins: readonly string[];
}) {
  const setRefreshCookie = (c: Context<AppEnv>, token: string) => {
    const options = {
      secure: deps.secureCookies,
      sameSite: 'Strict',
      maxAge: deps.refreshTtlSeconds,
    } as const;
    setCookie(c, REFRESH_COOKIE, token, { ...options, httpOnly: true, path: COOKIE_PATH });
    setCookie(c, SESSION_HINT_COOKIE, '1', { ...options, path: '/' });
  };
  /** The body's token, else the cookie's from a page of ours (SameSite aside, Origin must be ours). */
  const presentedToken = (c: Context<AppEnv>, body: { refresh_token?: string | undefined }) => {
    if (body.refresh_token) return body.refresh_token;
    const cookie = getCookie(c, REFRESH_COOKIE);
    if (!cookie) return undefined;
    const origin = c.req.header('origin');
    if (!origin || (origin !== new URL(c.req.url).origin && !deps.trustedOrigins.includes(origin)))
      throw forbidden('A cookie session is used only from the console’s own origin');
    return cookie;
  };
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
      setRefreshCookie(c, pair.refresh_token);
      const { password_hash: _hash, ...publicUser } = user;
      return c.json({ ...pair, user: publicUser }, 200);
    })
    .openapi(refresh, async (c) => {
      const token = presentedToken(c, c.req.valid('json'));
      if (!token) throw unauthorized('Send refresh_token, or sign in first');
      const pair = await deps.sessions.refresh(token, async (orgId, userId) => {
        const user = await users.getUser(deps.db, orgId, userId);
        return user?.status === 'active' ? user : null;
      });
      setRefreshCookie(c, pair.refresh_token);
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
      const token = presentedToken(c, c.req.valid('json'));
      const ended = token ? await deps.sessions.logout(token) : undefined;
      // Its access tokens end with it, here at once (open streams close), on other replicas within a poll.
      if (ended) deps.revocations.noteRevoked({ sessionId: ended });
      deleteCookie(c, REFRESH_COOKIE, { path: COOKIE_PATH, secure: deps.secureCookies });
      deleteCookie(c, SESSION_HINT_COOKIE, { path: '/', secure: deps.secureCookies });
      return c.body(null, 204);
    });
}
