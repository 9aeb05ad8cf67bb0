import { z } from '@hono/zod-openapi';
import { updateBailSettings } from '../../../commands/bail/update-settings.js';
import { bailSettingsRow, getBailSettings } from '../../../db/bail/settings.js';
import type { Db } from '../../../db/pool.js';
import { commandActor } from '../../audit.js';
import { errorResponses, json, jsonBody, newRouter, securedRoute } from '../../router.js';

export const BailSettingsSchema = bailSettingsRow
  .extend({
    forfeiture_grace_days: z.number().int().openapi({
      description: 'Days from a failure to appear to forfeiture, unless a bond sets its own (default 90)',
    }),
  })
  .openapi('BailSettings');

const routes = {
  get: securedRoute('bail:read', {
    method: 'get',
    path: '/bail/settings',
    tags: ['bail'],
    summary: "The agency's bail defaults (the forfeiture grace period)",
    responses: { 200: json(BailSettingsSchema, 'Settings'), ...errorResponses },
  }),
  put: securedRoute('organization:manage', {
    method: 'put',
    path: '/bail/settings',
    tags: ['bail'],
    summary: "Set the agency's bail defaults (applies to failures to appear raised from now on)",
    request: {
      body: jsonBody(z.object({ forfeiture_grace_days: z.number().int().min(1).max(365) }).strict()),
    },
    responses: { 200: json(BailSettingsSchema, 'Settings'), ...errorResponses },
  }),
};

export function bailSettingsRoutes(deps: { db: Db }) {
  return newRouter()
    .openapi(routes.get, async (c) => c.json(await getBailSettings(deps.db, c.get('principal').orgId), 200))
    .openapi(routes.put, async (c) => {
      const p = c.get('principal');
      return c.json(await updateBailSettings(deps.db, p.orgId, c.req.valid('json'), commandActor(c)), 200);
    });
}
