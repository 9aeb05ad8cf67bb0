import fs from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context } from 'hono';
import type { AppEnv } from './env.js';
import { newRouter } from './router.js';

/** The console's screens (web/src/routes): a browser asking for one gets the app's index.html. */
export const CONSOLE_SCREENS = [
  'login',
  'alerts',
  'customers',
  'operations',
  'notifications',
  'bail',
  'insights',
] as const;

/**
 * The page's policy: scripts only from this server (Vite emits no inline script), styles from it
 * plus the inline `style` attributes Radix and the virtualised lists set, requests only to it.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sentinel</title></head>
<body><main><h1>The console is not built</h1><p>Run <code>npm run build:web</code> (or <code>npm run dev</code>, which builds it), then reload.</p></main></body></html>`;

/**
 * Serves the built console (web/dist) at `/`: hashed assets cached for a year, index.html never
 * cached, so a deploy is seen on the next load. Only the console's own screens answer with the
 * page; every other unknown path stays the API's JSON 404.
 */
export function consoleRoutes(dir: string) {
  const index = path.join(dir, 'index.html');
  let page: { body: string; mtimeMs: number } | undefined;
  const html = () => {
    // Cached while the file is unchanged: a rebuild (npm run build:web) is served without a restart.
    const stat = fs.statSync(index, { throwIfNoEntry: false });
    if (!stat) return undefined;
    if (page?.mtimeMs !== stat.mtimeMs)
      page = { body: fs.readFileSync(index, 'utf8'), mtimeMs: stat.mtimeMs };
    return page.body;
  };
  const app = newRouter();
  app.get(
    '/assets/*',
    serveStatic({
      root: dir,
      precompressed: true,
      onFound: (_path, c) => {
        c.header('Cache-Control', 'public, max-age=31536000, immutable');
      },
    }),
  );
  app.get(
    '/favicon.svg',
    serveStatic({
      root: dir,
      onFound: (_path, c) => {
        c.header('Cache-Control', 'public, max-age=86400');
      },
    }),
  );
  const serveIndex = (c: Context<AppEnv>) => {
    c.header('Cache-Control', 'no-cache');
    c.header('Content-Security-Policy', CONSOLE_CSP);
    return c.html(html() ?? NOT_BUILT);
  };
  app.get('/', serveIndex);
  for (const screen of CONSOLE_SCREENS) app.get(`/${screen}`, serveIndex).get(`/${screen}/*`, serveIndex);
  return app;
}
