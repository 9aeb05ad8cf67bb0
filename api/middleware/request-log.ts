import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';
import type { AppEnv } from '../env.js';

/**
 * A request path or URL as logs and traces may keep it: an answer link's token is the customer's
 * proof (whoever reads it could answer), and an SSE `access_token` is a credential.
 */
export function redactUrl(url: string): string {
  return url
    .replace(/(\/contact\/)[^/?#]+/, '$1[redacted]')
    .replace(/([?&]access_token=)[^&#]*/, '$1[redacted]');
}

/** One structured line per request; the request id ties it to the client's X-Request-ID. */
export function requestLog(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const child = log.child({ requestId: c.get('requestId') });
    c.set('log', child);
    await next();
    const status = c.res.status;
    const line = {
      method: c.req.method,
      path: redactUrl(c.req.path),
      route: routePath(c),
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    };
    if (status >= 500) child.error(line, 'request failed');
    else child.info(line, 'request');
  };
}
