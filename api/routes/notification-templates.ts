import { z } from '@hono/zod-openapi';
import { activateTemplate } from '../../commands/notify/activate-template.js';
import { createTemplateVersion } from '../../commands/notify/create-template-version.js';
import * as templates from '../../db/notify/templates.js';
import { DEFAULT_TEMPLATES, templateError } from '../../lib/templates.js';
import type { Db } from '../../db/pool.js';
import { CHANNELS } from '../../workflows/notify/channels.js';
import { commandActor } from '../audit.js';
import { notFound } from '../errors.js';
import { errorResponses, IdParams, json, jsonBody, newRouter, securedRoute } from '../router.js';

const Kind = z.string().regex(/^[a-z0-9_]{1,50}$/, 'must be a lowercase kind such as "bill_reminder"');

const TemplateSchema = templates.templateRow.omit({ org_id: true }).openapi('NotificationTemplate');
const templateView = ({ org_id: _org, ...t }: templates.TemplateRow) => t;

const routes = {
  listTemplates: securedRoute('notifications:read', {
    method: 'get',
    path: '/notification-templates',
    tags: ['templates'],
    summary: 'Your organisation’s template versions (built-in defaults apply where none is active)',
    request: { query: z.object({ kind: Kind.optional(), channel: z.enum(CHANNELS).optional() }) },
    responses: {
      200: json(z.object({ data: z.array(TemplateSchema), defaults: z.record(z.unknown()) }), 'Templates'),
      ...errorResponses,
    },
  }),
  createTemplate: securedRoute('templates:manage', {
    method: 'post',
    path: '/notification-templates',
    tags: ['templates'],
    summary: 'Create a new version (inactive until activated); Handlebars, HTML-escaped in email',
    request: {
      body: jsonBody(
        z
          .object({
            kind: Kind,
            channel: z.enum(CHANNELS),
            subject: z.string().max(200).nullable().optional(),
            body: z.string().min(1).max(20_000),
          })
          .strict()
          .superRefine((t, ctx) => {
            for (const field of ['subject', 'body'] as const) {
              const error = t[field] ? templateError(t[field]) : null;
              if (error)
                ctx.addIssue({
                  code: 'custom',
                  path: [field],
                  message: `template does not compile: ${error}`,
                });
            }
          }),
      ),
    },
    responses: { 201: json(TemplateSchema, 'Created'), ...errorResponses },
  }),
  activateTemplate: securedRoute('templates:manage', {
    method: 'post',
    path: '/notification-templates/{id}/activate',
    tags: ['templates'],
    request: { params: IdParams },
    responses: { 200: json(TemplateSchema, 'Now in use'), ...errorResponses },
  }),
};

/** Notification templates: versions per kind and channel, one active. */
export function notificationTemplateRoutes(deps: { db: Db }) {
  const { db } = deps;
  return newRouter()
    .openapi(routes.listTemplates, async (c) => {
      const rows = await templates.listTemplates(db, c.get('principal').orgId, c.req.valid('query'));
      return c.json({ data: rows.map(templateView), defaults: DEFAULT_TEMPLATES }, 200);
    })
    .openapi(routes.createTemplate, async (c) => {
      const body = c.req.valid('json');
      const row = await createTemplateVersion(
        db,
        c.get('principal').orgId,
        { ...body, subject: body.subject ?? null },
        commandActor(c),
      );
      return c.json(templateView(row), 201);
    })
    .openapi(routes.activateTemplate, async (c) => {
      const row = await activateTemplate(
        db,
        c.get('principal').orgId,
        c.req.valid('param').id,
        commandActor(c),
      );
      if (!row) throw notFound('template');
      return c.json(templateView(row), 200);
    });
}
