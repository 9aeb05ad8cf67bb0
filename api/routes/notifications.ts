import { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import * as deliveries from '../../db/notify/deliveries.js';
import * as notifications from '../../db/notify/notifications.js';
import { listOutbox } from '../../db/notify/outbox.js';
import * as preferences from '../../db/notify/preferences.js';
import { listHealth } from '../../db/notify/provider-health.js';
import * as templates from '../../db/notify/templates.js';
import { DEFAULT_TEMPLATES, templateError } from '../../lib/templates.js';
import type { Db } from '../../db/pool.js';
import { getCustomer } from '../../db/customers/customers.js';
import { pageQuerySchema, toPage } from '../../lib/pagination.js';
import type { Logger } from 'pino';
import { sendNotification } from '../../commands/notify/send-notification.js';
import { dispatchStarts } from '../../temporal/clients/pending-starts.js';
import { deliverWorkflowId } from '../../workflows/notify/ids.js';
import { CHANNELS } from '../../workflows/notify/channels.js';
import { auditPiiViewed, auditRequest } from '../audit.js';
import { maskDestination } from '../../lib/masking.js';
import { ApiError, forbidden, notFound } from '../errors.js';
import { can } from '../../lib/roles.js';
import { errorResponses, IdParams, json, jsonBody, newRouter, pageSchema, securedRoute } from '../router.js';
import { TimeZone } from '../schemas.js';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time "HH:MM" (00:00–23:59)');
const Kind = z.string().regex(/^[a-z0-9_]{1,50}$/, 'must be a lowercase kind such as "bill_reminder"');

const PreferencesSchema = preferences.preferencesRow.openapi('Preferences');

const NotificationSchema = notifications.notificationRow.omit({ org_id: true }).openapi('Notification');

const DeliverySchema = deliveries.deliveryRow
  .omit({ org_id: true, notification_id: true, customer_id: true, created_at: true, updated_at: true })
  .extend({ attempt_log: z.array(z.record(z.unknown())) });

const TemplateSchema = templates.templateRow.omit({ org_id: true }).openapi('NotificationTemplate');
const templateView = ({ org_id: _org, ...t }: templates.TemplateRow) => t;

const tags = ['notifications'];
const CustomerParams = z.object({
  id: z
    .string()
    .uuid()
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const routes = {
  getPreferences: securedRoute('customers:read', {
    method: 'get',
    path: '/customers/{id}/preferences',
    tags,
    request: { params: CustomerParams },
    responses: { 200: json(PreferencesSchema, 'Preferences (defaults when never set)'), ...errorResponses },
  }),
  putPreferences: securedRoute('customers:write', {
    method: 'put',
    path: '/customers/{id}/preferences',
    tags,
    request: {
      params: CustomerParams,
      body: jsonBody(
        z
          .object({
            email_enabled: z.boolean(),
            sms_enabled: z.boolean(),
            timezone: TimeZone.nullable(),
            quiet_hours_enabled: z.boolean(),
            quiet_hours_start: HHMM,
            quiet_hours_end: HHMM,
            max_per_hour: z.number().int().min(1).max(1000),
            max_per_day: z.number().int().min(1).max(10_000),
            channels_by_kind: z.record(Kind, z.array(z.enum(CHANNELS)).max(3)),
          })
          .partial()
          .strict()
          .refine((p) => Object.keys(p).length > 0, 'send at least one preference'),
      ),
    },
    responses: { 200: json(PreferencesSchema, 'Saved'), ...errorResponses },
  }),
  verifyEmail: securedRoute('customers:write', {
    method: 'post',
    path: '/customers/{id}/preferences/verify-email',
    tags,
    summary: 'The customer confirmed their email address again (after a bounce)',
    request: { params: CustomerParams },
    responses: { 200: json(PreferencesSchema, 'Email may be sent again'), ...errorResponses },
  }),
  send: securedRoute('notifications:write', {
    method: 'post',
    path: '/notifications',
    tags,
    summary: 'Send a notification; the same dedup_key returns the same notification and sends nothing again',
    request: {
      body: jsonBody(
        z
          .object({
            customer_id: z.string().uuid(),
            kind: Kind,
            title: z.string().trim().min(1).max(200),
            message: z.string().trim().min(1).max(5000),
            dedup_key: z.string().trim().min(1).max(200),
            channels: z.array(z.enum(CHANNELS)).min(1).max(3).optional(),
            critical: z.boolean().optional().openapi({
              description:
                'Past quiet hours and rate limits; needs notifications:critical (admin, supervisor)',
            }),
            metadata: z
              .record(z.unknown())
              .refine((m) => JSON.stringify(m).length <= 4096, 'must be at most 4 KiB as JSON')
              .optional(),
          })
          .strict(),
      ),
    },
    responses: {
      202: json(
        NotificationSchema.extend({ workflow_id: z.string() }),
        'Stored; its delivery (`deliver-<id>`) starts now, or within a minute if Temporal is briefly unreachable',
      ),
      200: json(NotificationSchema.extend({ workflow_id: z.string() }), 'Already sent with this dedup_key'),
      ...errorResponses,
    },
  }),
  list: securedRoute('notifications:read', {
    method: 'get',
    path: '/customers/{id}/notifications',
    tags,
    request: {
      params: CustomerParams,
      query: pageQuerySchema.extend({ unread: z.enum(['true', 'false']).optional() }),
    },
    responses: { 200: json(pageSchema(NotificationSchema), 'Newest first'), ...errorResponses },
  }),
  unread: securedRoute('notifications:read', {
    method: 'get',
    path: '/customers/{id}/notifications/unread-count',
    tags,
    request: { params: CustomerParams },
    responses: { 200: json(z.object({ unread: z.number().int() }), 'Unread count'), ...errorResponses },
  }),
  get: securedRoute('notifications:read', {
    method: 'get',
    path: '/notifications/{id}',
    tags,
    request: { params: IdParams },
    responses: {
      200: json(
        NotificationSchema.extend({ deliveries: z.array(DeliverySchema) }),
        'With its deliveries and attempts',
      ),
      ...errorResponses,
    },
  }),
  read: securedRoute('notifications:write', {
    method: 'put',
    path: '/notifications/{id}/read',
    tags,
    request: { params: IdParams },
    responses: { 200: json(NotificationSchema, 'Marked read'), ...errorResponses },
  }),
  remove: securedRoute('notifications:write', {
    method: 'delete',
    path: '/notifications/{id}',
    tags,
    request: { params: IdParams },
    responses: { 204: { description: 'Deleted' }, ...errorResponses },
  }),
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
  breakers: securedRoute('workflows:admin', {
    method: 'get',
    path: '/admin/circuit-breakers',
    tags: ['admin'],
    summary: 'Circuit breaker state per provider (shared by every worker)',
    responses: {
      200: json(z.object({ data: z.array(z.record(z.unknown())) }), 'Providers'),
      ...errorResponses,
    },
  }),
  // The messages as sent, to whole addresses and with answer links: for those who may see PII.
  outbox: securedRoute('pii:read', {
    method: 'get',
    path: '/dev/outbox',
    tags: ['development'],
    summary: 'What the local provider "sent" (not served in production)',
    request: { query: pageQuerySchema },
    responses: { 200: json(pageSchema(z.record(z.unknown())), 'Outbox, newest first'), ...errorResponses },
  }),
};

const view = ({ org_id: _org, ...n }: notifications.NotificationRow) => n;

export function notificationRoutes(deps: {
  db: Db;
  temporal: Client;
  taskQueuePrefix: string;
  production: boolean;
  log: Logger;
}) {
  const { db } = deps;
  const requireCustomer = async (orgId: string, id: string) => {
    if (!(await getCustomer(db, orgId, id))) throw notFound('customer');
  };
  return newRouter()
    .openapi(routes.getPreferences, async (c) => {
      const prefs = await preferences.getPreferences(db, c.get('principal').orgId, c.req.valid('param').id);
      if (!prefs) throw notFound('customer');
      return c.json(prefs, 200);
    })
    .openapi(routes.putPreferences, async (c) => {
      const orgId = c.get('principal').orgId;
      const id = c.req.valid('param').id;
      await requireCustomer(orgId, id);
      const body = c.req.valid('json');
      await preferences.putPreferences(db, orgId, id, body);
      await auditRequest(db, c, {
        action: 'preferences.updated',
        resourceType: 'customer',
        resourceId: id,
        after: { fields: Object.keys(body) },
      });
      return c.json((await preferences.getPreferences(db, orgId, id))!, 200);
    })
    .openapi(routes.verifyEmail, async (c) => {
      const orgId = c.get('principal').orgId;
      const id = c.req.valid('param').id;
      await requireCustomer(orgId, id);
      await preferences.markEmailVerified(db, orgId, id);
      await auditRequest(db, c, {
        action: 'preferences.email_verified',
        resourceType: 'customer',
        resourceId: id,
      });
      return c.json((await preferences.getPreferences(db, orgId, id))!, 200);
    })
    .openapi(routes.send, async (c) => {
      const p = c.get('principal');
      const body = c.req.valid('json');
      // Critical skips quiet hours and limits: a permission of its own, not every writer's.
      if (body.critical && !can(p.role, 'notifications:critical'))
        throw forbidden(`Your role (${p.role}) lacks notifications:critical`);
      await requireCustomer(p.orgId, body.customer_id);
      const { row, created, starts } = await sendNotification(db, p.orgId, { ...body, source: 'api' });
      // One delivery run per notification, ever: a repeated request sends nothing again.
      await dispatchStarts(deps.temporal, db, starts, {
        prefix: deps.taskQueuePrefix,
        log: c.get('log') ?? deps.log,
      });
      if (created) {
        await auditRequest(db, c, {
          action: 'notification.sent',
          resourceType: 'notification',
          resourceId: row.id,
        });
      }
      return c.json({ ...view(row), workflow_id: deliverWorkflowId(row.id) }, created ? 202 : 200);
    })
    .openapi(routes.list, async (c) => {
      const orgId = c.get('principal').orgId;
      const id = c.req.valid('param').id;
      await requireCustomer(orgId, id);
      const q = c.req.valid('query');
      const rows = await notifications.listNotifications(db, orgId, id, {
        ...q,
        unread: q.unread === 'true',
      });
      const page = toPage(rows, q.limit);
      return c.json({ ...page, data: page.data.map(view) }, 200);
    })
    .openapi(routes.unread, async (c) => {
      const orgId = c.get('principal').orgId;
      const id = c.req.valid('param').id;
      await requireCustomer(orgId, id);
      return c.json({ unread: await notifications.unreadCount(db, orgId, id) }, 200);
    })
    .openapi(routes.get, async (c) => {
      const orgId = c.get('principal').orgId;
      const n = await notifications.getNotification(db, orgId, c.req.valid('param').id);
      if (!n) throw notFound('notification');
      const [ds, attempts] = await Promise.all([
        deliveries.listDeliveries(db, orgId, n.id),
        deliveries.listAttempts(db, orgId, n.id),
      ]);
      // Destinations are the customer's email and phone: masked without pii:read, else audited.
      const whole = can(c.get('principal').role, 'pii:read');
      if (ds.some((d) => d.destination)) {
        await auditPiiViewed(db, c, [n.customer_id], { type: 'notification', id: n.id });
      }
      return c.json(
        {
          ...view(n),
          deliveries: ds.map(
            ({ org_id: _o, notification_id: _n, customer_id: _c, created_at: _t, updated_at: _u, ...d }) => ({
              ...d,
              destination: whole ? d.destination : maskDestination(d.channel, d.destination),
              attempt_log: attempts
                .filter((a) => a.delivery_id === d.id)
                .map(({ delivery_id: _d, ...a }) => a),
            }),
          ),
        },
        200,
      );
    })
    .openapi(routes.read, async (c) => {
      const row = await notifications.markRead(db, c.get('principal').orgId, c.req.valid('param').id);
      if (!row) throw notFound('notification');
      return c.json(view(row), 200);
    })
    .openapi(routes.remove, async (c) => {
      if (!(await notifications.softDelete(db, c.get('principal').orgId, c.req.valid('param').id))) {
        throw notFound('notification');
      }
      return c.body(null, 204);
    })
    .openapi(routes.listTemplates, async (c) => {
      const rows = await templates.listTemplates(db, c.get('principal').orgId, c.req.valid('query'));
      return c.json({ data: rows.map(templateView), defaults: DEFAULT_TEMPLATES }, 200);
    })
    .openapi(routes.createTemplate, async (c) => {
      const body = c.req.valid('json');
      const row = await db.transaction((t) =>
        templates.createTemplateVersion(t, c.get('principal').orgId, {
          ...body,
          subject: body.subject ?? null,
        }),
      );
      await auditRequest(db, c, {
        action: 'template.created',
        resourceType: 'notification_template',
        resourceId: row.id,
      });
      return c.json(templateView(row), 201);
    })
    .openapi(routes.activateTemplate, async (c) => {
      const row = await db.transaction((t) =>
        templates.activateTemplate(t, c.get('principal').orgId, c.req.valid('param').id),
      );
      if (!row) throw notFound('template');
      await auditRequest(db, c, {
        action: 'template.activated',
        resourceType: 'notification_template',
        resourceId: row.id,
      });
      return c.json(templateView(row), 200);
    })
    .openapi(routes.breakers, async (c) => c.json({ data: [...(await listHealth(db))] }, 200))
    .openapi(routes.outbox, async (c) => {
      if (deps.production) throw new ApiError(404, 'not_found', 'No route for GET /api/v1/dev/outbox');
      const q = c.req.valid('query');
      const page = toPage(await listOutbox(db, c.get('principal').orgId, q), q.limit);
      if (page.data.length) {
        await auditRequest(db, c, {
          action: 'customer.pii_viewed',
          resourceType: 'outbox',
          resourceId: null,
          after: { outbox_message_ids: page.data.map((m) => m.id) },
        });
      }
      return c.json(page, 200);
    });
}
