import { z } from '@hono/zod-openapi';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Context } from 'hono';
import type { Db } from '../../db/pool.js';
import { InvalidCursorError, pageQuerySchema } from '../../lib/pagination.js';
import {
  describeOwned,
  EXECUTION_STATUSES,
  listAll,
  listWorkflows,
  pendingActivities,
  pendingTimers,
  resetWorkflow,
  ResetPointError,
  stuckReasons,
  summary,
  visibilityQuery,
  type ExecutionStatus,
  type ResetTo,
  type WorkflowFilters,
  type WorkflowSummary,
} from '../../temporal/operations.js';
import { API_RPC_DEADLINE_MS } from '../../temporal/clients/deadline.js';
import { auditRequest } from '../audit.js';
import type { AppEnv } from '../env.js';
import { ApiError, notFound, validationError } from '../errors.js';
import { WORKFLOW_SIGNALS } from '../signal-schemas.js';
import { conflictResponses, errorResponses, json, jsonBody, newRouter, securedRoute } from '../router.js';
import { Uuid } from '../schemas.js';
import { UNPROCESSABLE } from '../../lib/domain-errors.js';

const Status = z.enum(Object.keys(EXECUTION_STATUSES) as [ExecutionStatus, ...ExecutionStatus[]]);
const Filters = z
  .object({
    type: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/, 'must be a workflow type such as alertTriage')
      .optional(),
    status: Status.optional(),
    customer_id: Uuid.optional(),
    alert_id: Uuid.optional(),
  })
  .strict();
const WorkflowId = z
  .string()
  .min(1)
  .max(300)
  .regex(/^[\w.:-]+$/, 'must be a workflow id such as triage-alert-<id>')
  .openapi({ param: { name: 'workflowId', in: 'path' } });
const Params = z.object({ workflowId: WorkflowId });
const Reason = z.string().trim().min(3).max(500);
const To = z
  .union([z.enum(['last-workflow-task', 'first-workflow-task']), z.number().int().positive()])
  .default('last-workflow-task');

const SummarySchema = z
  .object({
    workflow_id: z.string(),
    run_id: z.string(),
    type: z.string(),
    status: z.string(),
    task_queue: z.string(),
    start_time: z.string().nullable(),
    close_time: z.string().nullable(),
    history_length: z.number().int(),
    customer_id: z.string().nullable(),
    alert_id: z.string().nullable(),
    domain: z.string().nullable(),
  })
  .openapi('WorkflowSummary');
const PendingActivity = z.object({
  activity_id: z.string(),
  activity_type: z.string(),
  state: z.string(),
  attempt: z.number().int(),
  maximum_attempts: z.number().int(),
  scheduled_time: z.string().nullable(),
  last_started_time: z.string().nullable(),
  last_heartbeat_time: z.string().nullable(),
  next_attempt_time: z.string().nullable(),
  last_failure: z.string().nullable(),
});
const DetailSchema = SummarySchema.extend({
  pending_activities: z.array(PendingActivity),
  pending_timers: z.array(
    z.object({ timer_id: z.string(), started_at: z.string().nullable(), fires_at: z.string().nullable() }),
  ),
  pending_children: z.array(z.object({ workflow_id: z.string().nullable(), type: z.string().nullable() })),
  web_ui: z.string(),
}).openapi('WorkflowDetail');
const StuckSchema = SummarySchema.extend({
  reasons: z.array(z.string()),
  pending_activities: z.array(PendingActivity),
  web_ui: z.string(),
});
const page = z.object({
  data: z.array(SummarySchema),
  pagination: z.object({
    next_cursor: z.string().nullable(),
    has_next: z.boolean(),
    count: z.number().int(),
  }),
});
const tags = ['operations'];
const isPageToken = (cursor: string) => {
  try {
    const token: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return typeof token === 'object' && token !== null && !Array.isArray(token);
  } catch {
    return false;
  }
};
const Cursor = z.object({
  limit: pageQuerySchema.shape.limit,
  // The Temporal server's page token, passed through opaque.
  cursor: z
    .string()
    .max(512)
    .regex(/^[\w-]*$/, 'invalid cursor')
    // The server's page token is JSON; anything else it answers with an error the client retries
    // for seconds, so refuse it here.
    .refine(isPageToken, { message: 'invalid cursor', params: UNPROCESSABLE })
    .optional()
    .openapi({ description: 'next_cursor of the previous page (base64url, at most 512 characters)' }),
});

const routes = {
  list: securedRoute('workflows:admin', {
    method: 'get',
    path: '/admin/workflows',
    tags,
    summary: 'Executions of your organisation, by type, status, customer or alert',
    request: { query: Cursor.extend(Filters.shape) },
    responses: { 200: json(page, 'Newest first'), ...errorResponses },
  }),
  stuck: securedRoute('workflows:admin', {
    method: 'get',
    path: '/admin/workflows/stuck',
    tags,
    summary: 'Running executions whose pending activity keeps failing or makes no progress, and why',
    request: {
      query: z.object({
        min_attempts: z.coerce.number().int().min(1).max(1000).optional(),
        idle_minutes: z.coerce.number().int().min(1).max(100_000).optional(),
      }),
    },
    responses: {
      200: json(z.object({ data: z.array(StuckSchema), truncated: z.boolean() }), 'Stuck'),
      ...errorResponses,
    },
  }),
  get: securedRoute('workflows:admin', {
    method: 'get',
    path: '/admin/workflows/{workflowId}',
    tags,
    summary: 'Status, times, pending activities (attempts, last failure), pending timers, Web UI link',
    request: { params: Params },
    responses: { 200: json(DetailSchema, 'The latest run'), ...errorResponses },
  }),
  reset: securedRoute('workflows:admin', {
    method: 'post',
    path: '/admin/workflows/{workflowId}/reset',
    tags,
    summary: 'Reset to a workflow task (signals after it are applied again); answers the new run id',
    request: { params: Params, body: jsonBody(z.object({ reason: Reason, to: To }).strict()) },
    responses: {
      200: json(z.object({ workflow_id: z.string(), run_id: z.string() }), 'Reset'),
      ...errorResponses,
      ...conflictResponses,
    },
  }),
  resetBatch: securedRoute('workflows:admin', {
    method: 'post',
    path: '/admin/workflows/reset-batch',
    tags,
    summary: 'Reset every execution matching the filters (at most `limit`)',
    request: {
      body: jsonBody(
        z
          .object({
            // At least one filter: an empty one would reset every execution of the organisation.
            query: Filters.refine((q) => Object.keys(q).length > 0, 'name at least one filter').openapi({
              minProperties: 1,
            }),
            reason: Reason,
            to: z.enum(['last-workflow-task', 'first-workflow-task']).default('last-workflow-task'),
            limit: z.number().int().min(1).max(500).default(100),
            /** Lists what would be reset, and resets nothing. */
            dry_run: z.boolean().default(false),
          })
          .strict(),
      ),
    },
    responses: {
      200: json(z.object({ data: z.array(z.record(z.unknown())), dry_run: z.boolean() }), 'Per execution'),
      ...errorResponses,
    },
  }),
  cancel: securedRoute('workflows:admin', {
    method: 'post',
    path: '/admin/workflows/{workflowId}/cancel',
    tags,
    request: { params: Params },
    responses: {
      202: json(z.object({ workflow_id: z.string() }), 'Cancellation requested'),
      ...errorResponses,
    },
  }),
  terminate: securedRoute('workflows:admin', {
    method: 'post',
    path: '/admin/workflows/{workflowId}/terminate',
    tags,
    request: { params: Params, body: jsonBody(z.object({ reason: Reason }).strict()) },
    responses: { 200: json(z.object({ workflow_id: z.string() }), 'Terminated'), ...errorResponses },
  }),
  signal: securedRoute('workflows:admin', {
    method: 'post',
    path: '/admin/workflows/{workflowId}/signal',
    tags,
    request: {
      params: Params,
      body: jsonBody(
        z
          .object({
            name: z.string().regex(/^[A-Za-z][\w]{0,99}$/, 'must be a signal name'),
            args: z.array(z.unknown()).max(10).default([]),
          })
          .strict(),
      ),
    },
    responses: { 202: json(z.object({ workflow_id: z.string() }), 'Signalled'), ...errorResponses },
  }),
  stats: securedRoute('workflows:admin', {
    method: 'get',
    path: '/admin/jobs/stats',
    tags,
    summary: 'Executions by workflow type and status',
    responses: {
      200: json(z.object({ data: z.array(z.record(z.unknown())), truncated: z.boolean() }), 'Counts'),
      ...errorResponses,
    },
  }),
  failed: securedRoute('workflows:admin', {
    method: 'get',
    path: '/admin/jobs/failed',
    tags,
    summary: 'Failed and timed-out executions: the dead-letter review',
    request: { query: Cursor },
    responses: { 200: json(page, 'Newest first'), ...errorResponses },
  }),
  retry: securedRoute('workflows:admin', {
    method: 'post',
    path: '/admin/jobs/retry/{workflowId}',
    tags,
    summary: 'Run a failed execution again from its first workflow task (activities are idempotent)',
    request: { params: Params },
    responses: {
      200: json(z.object({ workflow_id: z.string(), run_id: z.string() }), 'Retried'),
      ...errorResponses,
      ...conflictResponses,
    },
  }),
};

const STUCK_SCAN_CAP = 500;
const GRPC_INVALID_ARGUMENT = 3;
const STATS_CAP = 10_000;

export function workflowAdminRoutes(deps: {
  db: Db;
  temporal: Client;
  uiUrl: string;
  stuck: { minAttempts: number; idleMinutes: number };
}) {
  const { db, temporal } = deps;
  const rpc = <T>(f: () => Promise<T>) =>
    temporal.connection.withDeadline(Date.now() + 4 * API_RPC_DEADLINE_MS, f);
  const audit = (
    c: Context<AppEnv>,
    action: string,
    resourceId: string | null,
    after?: Record<string, unknown>,
  ) => auditRequest(db, c, { action, resourceType: 'workflow', resourceId, after });
  /** A command to a run that may have closed since it was described: 409, not a 500. */
  const openRun = async <T>(f: () => Promise<T>) => {
    try {
      return await rpc(f);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError)
        throw new ApiError(409, 'conflict', 'The run has already closed');
      throw err;
    }
  };
  /** A page of a visibility query; a page token the server does not recognise is the client's 422. */
  const page = async <T>(f: () => Promise<T>) => {
    try {
      return await rpc(f);
    } catch (err) {
      if ((err as { code?: number }).code === GRPC_INVALID_ARGUMENT) {
        throw new InvalidCursorError();
      }
      throw err;
    }
  };
  const owned = async (orgId: string, workflowId: string) => {
    const d = await rpc(() => describeOwned(temporal, orgId, workflowId));
    if (!d) throw notFound('workflow');
    return d;
  };
  const reset = async (workflowId: string, runId: string, to: ResetTo, reason: string) => {
    try {
      return await rpc(() => resetWorkflow(temporal, workflowId, runId, to, reason));
    } catch (err) {
      if (err instanceof ResetPointError) throw new ApiError(422, 'invalid_reset_point', err.message);
      throw err;
    }
  };
  const uiLink = (workflowId: string, runId: string) =>
    `${deps.uiUrl}/namespaces/${encodeURIComponent(temporal.options.namespace)}/workflows/${encodeURIComponent(workflowId)}/${runId}/history`;
  const toPage = (r: { data: WorkflowSummary[]; nextCursor: string | null }) => ({
    data: r.data,
    pagination: { next_cursor: r.nextCursor, has_next: r.nextCursor !== null, count: r.data.length },
  });

  return newRouter()
    .openapi(routes.list, async (c) => {
      const orgId = c.get('principal').orgId;
      const { limit, cursor, status, ...f } = c.req.valid('query');
      const filters: WorkflowFilters = { ...f, ...(status && { status: [status] }) };
      const result = await page(() =>
        listWorkflows(temporal, visibilityQuery(orgId, filters), { limit, cursor }),
      );
      await audit(c, 'workflows.listed', null, { filters });
      return c.json(toPage(result), 200);
    })
    .openapi(routes.stuck, async (c) => {
      const orgId = c.get('principal').orgId;
      const q = c.req.valid('query');
      const thresholds = {
        minAttempts: q.min_attempts ?? deps.stuck.minAttempts,
        idleMs: (q.idle_minutes ?? deps.stuck.idleMinutes) * 60_000,
      };
      const running = await rpc(() =>
        listAll(temporal, visibilityQuery(orgId, { status: ['running'] }), STUCK_SCAN_CAP),
      );
      const now = Date.now();
      const data = [];
      for (const w of running.data) {
        const d = await rpc(() => describeOwned(temporal, orgId, w.workflow_id));
        const reasons = d ? stuckReasons(d, thresholds, now) : [];
        if (reasons.length)
          data.push({
            ...w,
            reasons,
            pending_activities: pendingActivities(d!),
            web_ui: uiLink(w.workflow_id, w.run_id),
          });
      }
      await audit(c, 'workflows.stuck_listed', null, { found: data.length });
      return c.json({ data, truncated: running.truncated }, 200);
    })
    .openapi(routes.get, async (c) => {
      const orgId = c.get('principal').orgId;
      const { workflowId } = c.req.valid('param');
      const d = await owned(orgId, workflowId);
      const timers = await rpc(() => pendingTimers(temporal, workflowId, d.runId));
      await audit(c, 'workflow.viewed', workflowId);
      return c.json(
        {
          ...summary(d),
          pending_activities: pendingActivities(d),
          pending_timers: timers,
          pending_children: (d.raw.pendingChildren ?? []).map((p) => ({
            workflow_id: p.workflowId ?? null,
            type: p.workflowTypeName ?? null,
          })),
          web_ui: uiLink(workflowId, d.runId),
        },
        200,
      );
    })
    .openapi(routes.reset, async (c) => {
      const orgId = c.get('principal').orgId;
      const { workflowId } = c.req.valid('param');
      const body = c.req.valid('json');
      const d = await owned(orgId, workflowId);
      const runId = await reset(workflowId, d.runId, body.to, body.reason);
      await audit(c, 'workflow.reset', workflowId, {
        from_run_id: d.runId,
        run_id: runId,
        to: body.to,
        reason: body.reason,
      });
      return c.json({ workflow_id: workflowId, run_id: runId }, 200);
    })
    .openapi(routes.resetBatch, async (c) => {
      const orgId = c.get('principal').orgId;
      const body = c.req.valid('json');
      const { status, ...f } = body.query;
      const matches = await rpc(() =>
        listAll(temporal, visibilityQuery(orgId, { ...f, ...(status && { status: [status] }) }), body.limit),
      );
      if (body.dry_run) {
        const data = matches.data.map((w) => ({
          workflow_id: w.workflow_id,
          from_run_id: w.run_id,
          ok: true,
        }));
        return c.json({ data, dry_run: true }, 200);
      }
      const data = [];
      for (const w of matches.data) {
        try {
          const runId = await reset(w.workflow_id, w.run_id, body.to, body.reason);
          data.push({ workflow_id: w.workflow_id, from_run_id: w.run_id, run_id: runId, ok: true });
        } catch (err) {
          data.push({
            workflow_id: w.workflow_id,
            from_run_id: w.run_id,
            ok: false,
            error: (err as Error).message,
          });
        }
      }
      await audit(c, 'workflows.reset_batch', null, {
        query: body.query,
        reason: body.reason,
        results: data,
      });
      return c.json({ data, dry_run: false }, 200);
    })
    .openapi(routes.cancel, async (c) => {
      const { workflowId } = c.req.valid('param');
      const d = await owned(c.get('principal').orgId, workflowId);
      await openRun(() => temporal.workflow.getHandle(workflowId, d.runId).cancel());
      await audit(c, 'workflow.cancelled', workflowId, { run_id: d.runId });
      return c.json({ workflow_id: workflowId }, 202);
    })
    .openapi(routes.terminate, async (c) => {
      const { workflowId } = c.req.valid('param');
      const { reason } = c.req.valid('json');
      const d = await owned(c.get('principal').orgId, workflowId);
      await openRun(() => temporal.workflow.getHandle(workflowId, d.runId).terminate(reason));
      await audit(c, 'workflow.terminated', workflowId, { run_id: d.runId, reason });
      return c.json({ workflow_id: workflowId }, 200);
    })
    .openapi(routes.signal, async (c) => {
      const { workflowId } = c.req.valid('param');
      const { name, args } = c.req.valid('json');
      const p = c.get('principal');
      const d = await owned(p.orgId, workflowId);
      // Only the signals the workflow declares, with arguments it can take (a huge `extend` used to
      // break the freeze handler and leave the card frozen).
      const declared = WORKFLOW_SIGNALS[d.type]?.[name];
      if (!declared) throw new ApiError(404, 'not_found', `${d.type} has no signal "${name}"`);
      const parsed = declared.args.safeParse(args);
      if (!parsed.success) throw validationError('body.args', parsed.error);
      const checked = (parsed.data as unknown[]).map((a) =>
        declared.actor && typeof a === 'object' && a ? { ...a, actor: `${p.actorType}:${p.actorId}` } : a,
      );
      await openRun(() => temporal.workflow.getHandle(workflowId, d.runId).signal(name, ...checked));
      await audit(c, 'workflow.signalled', workflowId, { run_id: d.runId, signal: name });
      return c.json({ workflow_id: workflowId }, 202);
    })
    .openapi(routes.stats, async (c) => {
      const orgId = c.get('principal').orgId;
      const all = await rpc(() => listAll(temporal, visibilityQuery(orgId, {}), STATS_CAP));
      const counts = new Map<string, Record<string, number>>();
      for (const w of all.data) {
        const row = counts.get(w.type) ?? {};
        row[w.status] = (row[w.status] ?? 0) + 1;
        counts.set(w.type, row);
      }
      await audit(c, 'jobs.stats_viewed', null);
      return c.json(
        {
          data: [...counts]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([type, byStatus]) => ({ type, ...byStatus })),
          truncated: all.truncated,
        },
        200,
      );
    })
    .openapi(routes.failed, async (c) => {
      const orgId = c.get('principal').orgId;
      const { limit, cursor } = c.req.valid('query');
      const result = await page(() =>
        listWorkflows(temporal, visibilityQuery(orgId, { status: ['failed', 'timed_out'] }), {
          limit,
          cursor,
        }),
      );
      await audit(c, 'jobs.failed_listed', null);
      return c.json(toPage(result), 200);
    })
    .openapi(routes.retry, async (c) => {
      const { workflowId } = c.req.valid('param');
      const d = await owned(c.get('principal').orgId, workflowId);
      if (!['FAILED', 'TIMED_OUT', 'TERMINATED', 'CANCELLED'].includes(d.status.name)) {
        throw new ApiError(409, 'conflict', `The latest run is ${d.status.name.toLowerCase()}, not failed`);
      }
      const runId = await reset(workflowId, d.runId, 'first-workflow-task', 'retry after failure');
      await audit(c, 'job.retried', workflowId, { from_run_id: d.runId, run_id: runId });
      return c.json({ workflow_id: workflowId, run_id: runId }, 200);
    });
}
