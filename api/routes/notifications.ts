import { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import * as deliveries from '../../db/notify/deliveries.js';
import * as notifications from '../../db/notify/notifications.js';
import type { Db } from '../../db/pool.js';
import { getCustomer } from '../../db/customers/customers.js';
import { includeTotalQuery, pageQuerySchema, toPage, withTotal } from '../../lib/pagination.js';
import type { Logger } from 'pino';
import { sendNotification } from '../../commands/notify/send-notification.js';
import { dispatchStarts } from '../../temporal/clients/pending-starts.js';
import { deliverWorkflowId } from '../../workflows/notify/ids.js';
import { CHANNELS } from '../../workflows/notify/channels.js';
import { SYSTEM_DEDUP_PREFIXES, SYSTEM_KINDS } from '../../workflows/notify/quiet-hours.js';
import { UNPROCESSABLE, UnprocessableFieldError } from '../../lib/domain-errors.js';
import { auditPiiViewed, auditRequest } from '../audit.js';
import { maskDestination } from '../../lib/masking.js';
import { forbidden, notFound } from '../errors.js';
import { allows } from '../../lib/roles.js';
import {
  errorResponses,
  IdParams,
  json,
  jsonBody,
  newRouter,
  pageWithTotalSchema,
  securedRoute,
} from '../router.js';
import { Text } from '../schemas.js';

const Kind = z.string().regex(/^[a-z0-9_]{1,50}$/, 'must be a lowercase kind such as "bill_reminder"');

const NotificationSchema = notifications.notificationRow.omit({ org_id: true }).openapi('Notification');

const DeliverySchema = deliveries.deliveryRow
  .omit({
    org_id: true,
    notification_id: true,
    customer_id: true,
    attempt_base: true,
    created_at: true,
    updated_at: true,
  })
  .extend({ attempt_log: z.array(z.record(z.unknown())) });

const tags = ['notifications'];
const routes = {
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
            title: Text(200),
            message: Text(5000),
            dedup_key: Text(200),
            channels: z.array(z.enum(CHANNELS)).min(1).max(3).optional(),
            critical: z.boolean().optional().openapi({
              description:
                'Past quiet hours and rate limits; needs notifications:critical (admin, supervisor)',
            }),
            metadata: z
              .record(z.unknown())
              .refine((m) => JSON.stringify(m).length <= 4096, 'must be at most 4 KiB as JSON')
              // Answer links go only on a contact's own messages, which the system writes.
              .refine((m) => !('contact_id' in m), {
                message: 'contact_id is the system’s; it may not be set',
                params: UNPROCESSABLE,
              })
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
      params: IdParams,
      query: pageQuerySchema.extend({ unread: z.enum(['true', 'false']).optional(), ...includeTotalQuery }),
    },
    responses: { 200: json(pageWithTotalSchema(NotificationSchema), 'Newest first'), ...errorResponses },
  }),
  unread: securedRoute('notifications:read', {
    method: 'get',
    path: '/customers/{id}/notifications/unread-count',
    tags,
    request: { params: IdParams },
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
};

const view = ({ org_id: _org, ...n }: notifications.NotificationRow) => n;

/** Notifications: sent through the one engine (each delivered by its workflow), listed, read. */
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
    .openapi(routes.send, async (c) => {
      const p = c.get('principal');
      const body = c.req.valid('json');
      // Critical skips quiet hours and limits: a permission of its own, not every writer's; so is
      // sending as the system (its fraud kinds), and nothing here may pose as a system message.
      if (!allows(p, 'notifications:critical')) {
        if (body.critical) throw forbidden(`Your role (${p.role}) lacks notifications:critical`);
        if (SYSTEM_KINDS.includes(body.kind))
          throw forbidden(`Kind ${body.kind} is the system's; it needs notifications:critical`);
      }
      if (SYSTEM_DEDUP_PREFIXES.some((prefix) => body.dedup_key.startsWith(prefix)))
        throw new UnprocessableFieldError(
          'body.dedup_key',
          `dedup_key may not start with ${SYSTEM_DEDUP_PREFIXES.join(', ')} (the system's own keys)`,
          'reserved',
        );
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
      return c.json(
        await withTotal({ ...page, data: page.data.map(view) }, q, () =>
          notifications.countNotifications(db, orgId, id, { unread: q.unread === 'true' }),
        ),
        200,
      );
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
      const whole = allows(c.get('principal'), 'pii:read');
      if (ds.some((d) => d.destination)) {
        await auditPiiViewed(db, c, [n.customer_id], { type: 'notification', id: n.id });
      }
      return c.json(
        {
          ...view(n),
          deliveries: ds.map(
            ({
              org_id: _o,
              notification_id: _n,
              customer_id: _c,
              attempt_base: _b,
              created_at: _t,
              updated_at: _u,
              ...d
            }) => ({
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
    });
}
