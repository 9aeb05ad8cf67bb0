import { clientAddress } from '../client-address.js';
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';
import type { AppEnv } from '../env.js';

/**
 * hono's secureHeaders defaults (helmet's set), as one static list: a route that sets one of them
 * itself keeps its own value.
 */
const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
];

/** A client's X-Request-ID is kept (beside ours) when it is short and plain: it reaches logs and headers. */
const PLAIN_ID = /^[\w\-=]{1,255}$/;

/**
 * A request path or URL as logs and traces may keep it: an answer link's token is the customer's
 * proof (whoever reads it could answer), and an SSE `access_token` is a credential.
 */
export function redactUrl(url: string): string {
  return url
    .replace(/(\/contact\/)[^/?#]+/, '$1[redacted]')
    .replace(/([?&]access_token=)[^&#]*/, '$1[redacted]');
}

/**
 * What every request gets, in one layer (each hono middleware adds its own promises to every
 * request): its id (a new UUID, and the client's X-Request-ID beside it when plain) in the answer,
 * a logger bound to it, one log line and one metrics observation when it ends, the security
 * headers, `Vary: Origin` (hono's cors answers the requests that carry Origin), and the
 * variables `vars` names.
 */
export function requestContext(deps: {
  log: Logger;
  observe: (method: string, route: string, status: number, seconds: number) => void;
  vars: Pick<AppEnv['Variables'], 'authenticate' | 'limitCaller'>;
  trustedProxies?: ReadonlySet<string>;
}): MiddlewareHandler<AppEnv> {
  const { log, observe, vars } = deps;
  const trusted = deps.trustedProxies ?? new Set<string>();
  return async (c, next) => {
    const started = performance.now();
    // Our own id always: a client's could collide with another's, or be chosen to confuse the trail.
    const requestId = randomUUID();
    const given = c.req.header('x-request-id');
    const clientRequestId = given && PLAIN_ID.test(given) ? given : undefined;
    const child = log.child(clientRequestId ? { requestId, clientRequestId } : { requestId });
    c.set('requestId', requestId);
    if (clientRequestId) {
      c.set('clientRequestId', clientRequestId);
      c.header('X-Client-Request-ID', clientRequestId);
    }
    c.set('clientIp', clientAddress(c, trusted));
    c.set('log', child);
    c.set('authenticate', vars.authenticate);
    c.set('limitCaller', vars.limitCaller);
    c.header('X-Request-ID', requestId);
    for (const [name, value] of SECURITY_HEADERS) c.header(name, value);
    if (!c.req.header('origin')) c.header('Vary', 'Origin');
    await next();
    const status = c.res.status;
    const route = routePath(c);
    const ms = performance.now() - started;
    observe(c.req.method, route, status, ms / 1000);
    if (status >= 500 || child.isLevelEnabled('info')) {
      const line = {
        method: c.req.method,
        path: redactUrl(c.req.path),
        route,
        status,
        ms: Math.round(ms * 10) / 10,
      };
      if (status >= 500) child.error(line, 'request failed');
      else child.info(line, 'request');
    }
  };
}
