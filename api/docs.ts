import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { newRouter } from './router.js';

// Swagger UI from the pinned npm package, served by the API itself: /docs works with no internet.
const require = createRequire(import.meta.url);
const DIST = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const VERSION = (JSON.parse(fs.readFileSync(path.join(DIST, 'package.json'), 'utf8')) as { version: string })
  .version;
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};
const BASE = `/docs/assets/${VERSION}`;

/** The API reference page (`/docs`) and its assets, which never change for a version: cached for a year. */
export function docsRoutes(openapiUrl: string) {
  // Read on first request, not at start-up: most processes (workers' tests, replicas) never serve them.
  const files = new Map<string, Buffer>();
  const asset = (name: string) => {
    if (!(name in ASSETS)) return undefined;
    if (!files.has(name)) files.set(name, fs.readFileSync(path.join(DIST, name)));
    return files.get(name);
  };
  const init = `window.ui = SwaggerUIBundle({ url: ${JSON.stringify(openapiUrl)}, dom_id: '#swagger-ui', deepLinking: true });\n`;
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sentinel API</title><link rel="icon" href="${BASE}/favicon-32x32.png">
<link rel="stylesheet" href="${BASE}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="${BASE}/swagger-ui-bundle.js"></script><script src="${BASE}/init.js"></script></body></html>`;
  return newRouter()
    .get('/docs', (c) => c.html(page))
    .get(`${BASE}/init.js`, (c) => c.body(init, 200, { 'content-type': 'text/javascript; charset=utf-8' }))
    .get(`${BASE}/:file`, (c) => {
      const name = c.req.param('file');
      const body = asset(name);
      if (!body) return c.notFound();
      return c.body(new Uint8Array(body), 200, {
        'content-type': ASSETS[name]!,
        'cache-control': 'public, max-age=31536000, immutable',
      });
    });
}
