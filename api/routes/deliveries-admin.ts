import { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import {
  redeliverDelivery,
  redeliverFailed,
  REDELIVER_MAX,
  type Redelivery,
} from '../../commands/notify/redeliver.js';
import * as deliveries from '../../db/notify/deliveries.js';
import type { Db } from '../../db/pool.js';
import { maskDestination } from '../../lib/masking.js';
import { includeTotalQuery, pageQuerySchema, toPage, withTotal } from '../../lib/pagination.js';
import { allows } from '../../lib/roles.js';
import { dispatchStarts } from '../../temporal/clients/pending-starts.js';
import { auditPiiViewed, commandActor } from '../audit.js';
import type { AppEnv } from '../env.js';
import {
  conflictResponses,
  errorResponses,
  IdParams,
  json,
  jsonBody,
  newRouter,
  pageWithTotalSchema,
  securedRoute,
} from '../router.js';
import { IsoDateTime, Uuid } from '../schemas.js';
import type { Context } from 'hono';

const Filter = z.object({
  channel: z.enum(['email', 'sms']).optional(),
  kind: z
    .string()
    .regex(/^[a-z0-9_]{1,50}$/, 'must be a lowercase kind such as "bill_reminder"')
    .optional(),
  customer_id: Uuid.optional(),
  error_code: z.string().min(1).max(100).optional(),
  failed_from: IsoDateTime.optional(),
  failed_to: IsoDateTime.optional(),
});

const FailedDelivery = deliveries.failedDeliveryRow
  .omit({ org_id: true, attempt_base: true })
  .openapi('FailedDelivery');
const RedeliveryResult = z.object({
  dry_run: z.boolean(),
  data: z.array(z.object({ delivery: FailedDelivery, workflow_id: z.string() })),
});

const tags = ['operations'];
const routes = {
  listFailed: securedRoute('workflows:admin', {
    method: 'get',
    path: '/admin/deliveries/failed',
    tags,
    summary: 'Deliveries that ran out of attempts or that a provider refused: the dead letters, newest first',
    request: { query: pageQuerySchema.extend({ ...Filter.shape, ...includeTotalQuery }) },
    responses: { 200: json(pageWithTotalSchema(FailedDelivery), 'Failed deliveries'), ...errorResponses },
  }),
  redeliver: securedRoute('workflows:admin', {
    method: 'post',
    path: '/admin/deliveries/{id}/redeliver',
    tags,
    summary: 'Send a failed delivery again (its own run, redeliver-<id>-<n>)',
    request: { params: IdParams },
    responses: {
      202: json(z.object({ delivery: FailedDelivery, workflow_id: z.string() }), 'Sending again'),
      ...errorResponses,
      ...conflictResponses,
    },
  }),
  redeliverBulk: securedRoute('workflows:admin', {
    method: 'post',
    path: '/admin/deliveries/redeliver',
    tags,
    summary: `Send the failed deliveries a filter selects again (at most ${REDELIVER_MAX}); dry_run lists them and changes nothing`,
    request: {
      body: jsonBody(
        z
          .object({
            filter: Filter.strict()
              .refine(
                (f) => Object.values(f).some((v) => v !== undefined),
                'needs at least one condition: sending every failure again is never a default',
              )
              .openapi({ minProperties: 1 }),
            dry_run: z.boolean().default(false),
            limit: z.number().int().min(1).max(REDELIVER_MAX).default(100),
          })
          .strict(),
      ),
    },
    responses: { 200: json(RedeliveryResult, 'Sent again, or what would be'), ...errorResponses },
  }),
};

/** Operations over failed deliveries: list them, and send them again one by one or in bulk. */
export function deliveryAdminRoutes(deps: {
  db: Db;
  temporal: Client;
  taskQueuePrefix?: string | undefined;
  log?: Logger;
}) {
  const { db } = deps;
  /** Destinations are customers' addresses: masked without pii:read, and their viewing audited. */
  const view = async (c: Context<AppEnv>, rows: readonly deliveries.FailedDeliveryRow[]) => {
    const whole = allows(c.get('principal'), 'pii:read');
    await auditPiiViewed(db, c, [...new Set(rows.map((d) => d.customer_id))], {
      type: 'notification_delivery',
      id: null,
    });
    return rows.map(({ org_id: _o, attempt_base: _b, ...d }) => ({
      ...d,
      destination: whole ? d.destination : maskDestination(d.channel, d.destination),
    }));
  };
  const viewRedeliveries = async (c: Context<AppEnv>, rs: Redelivery[]) => {
    const shown = await view(
      c,
      rs.map((r) => r.delivery),
    );
    return rs.map((r, i) => ({ delivery: shown[i]!, workflow_id: r.workflow_id }));
  };
  const start = (c: Context<AppEnv>, starts: Parameters<typeof dispatchStarts>[2]) =>
    dispatchStarts(deps.temporal, db, starts, {
      prefix: deps.taskQueuePrefix,
      log: c.get('log') ?? deps.log,
    });

  return newRouter()
    .openapi(routes.listFailed, async (c) => {
      const q = c.req.valid('query');
      const orgId = c.get('principal').orgId;
      const rows = await deliveries.listFailed(db, orgId, q);
      const page = toPage(rows, q.limit, (d) => [d.failed_at!, d.id]);
      return c.json(
        await withTotal({ ...page, data: await view(c, page.data) }, q, () =>
          deliveries.countFailed(db, orgId, q),
        ),
        200,
      );
    })
    .openapi(routes.redeliver, async (c) => {
      const { redelivery, starts } = await redeliverDelivery(
        db,
        c.get('principal').orgId,
        c.req.valid('param').id,
        commandActor(c),
      );
      await start(c, starts);
      const [shown] = await viewRedeliveries(c, [redelivery]);
      return c.json(shown!, 202);
    })
    .openapi(routes.redeliverBulk, async (c) => {
      const body = c.req.valid('json');
      const { redeliveries, starts } = await redeliverFailed(db, c.get('principal').orgId, body.filter, {
        dryRun: body.dry_run,
        limit: body.limit,
        by: commandActor(c),
      });
      await start(c, starts);
      return c.json({ dry_run: body.dry_run, data: await viewRedeliveries(c, redeliveries) }, 200);
    });
}
