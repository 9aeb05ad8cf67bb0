import { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { addCaseNote } from '../../commands/triage/add-case-note.js';
import { assignAlert } from '../../commands/triage/assign-alert.js';
import { takeNextAlert } from '../../commands/triage/take-next-alert.js';
import { getUser } from '../../db/platform/users.js';
import { resolveAlert } from '../../commands/triage/resolve-alert.js';
import { agentRunRow, listRuns } from '../../db/triage/agent-runs.js';
import * as alerts from '../../db/triage/alerts.js';
import { getCustomer } from '../../db/customers/customers.js';
import { getCaseByAlert, listCaseEvents, OUTCOME } from '../../db/triage/cases.js';
import type { Db } from '../../db/pool.js';
import { includeTotalQuery, pageQuerySchema, toPage, withTotal } from '../../lib/pagination.js';
import { sendTriageCommand, startTriage } from '../../temporal/clients/triage.js';
import { actorString } from '../../workflows/platform/actor.js';
import { AGENT_IDS, AGENTS } from '../../workflows/triage/agents.js';
import { triageWorkflowId } from '../../workflows/triage/ids.js';
import { planAgents, PlanError } from '../../workflows/triage/planner.js';
import { principalActor } from '../audit.js';
import { ApiError, notFound, unprocessable } from '../errors.js';
import { idempotent } from '../idempotency.js';
import { CaseSchema } from './cases.js';
import {
  conflictResponses,
  errorResponses,
  IdempotencyHeaders,
  IdParams,
  json,
  jsonBody,
  newRouter,
  pageWithTotalSchema,
  securedRoute,
} from '../router.js';
import { Chars, IsoDateTime, Text } from '../schemas.js';

const AlertSchema = alerts.alertRow.omit({ org_id: true, priority_rank: true }).openapi('Alert');

const AgentRunSchema = agentRunRow.openapi('AgentRun');

const TriageSchema = z
  .object({
    workflow_id: z.string(),
    status: z.enum(['not_started', 'running', 'completed', 'partial']),
    batches: z.array(z.array(z.string())),
    agents: z.array(AgentRunSchema),
  })
  .openapi('Triage');

const ActionItem = z.union([
  Text(200),
  z.object({ type: Text(50), details: z.record(z.unknown()).optional() }).strict(),
]);

const tags = ['alerts'];
const routes = {
  list: securedRoute('alerts:read', {
    method: 'get',
    path: '/alerts',
    tags,
    summary: 'Highest priority first, then newest',
    request: {
      query: pageQuerySchema.extend({
        limit: z.coerce.number().int().min(1).max(100).default(20),
        priority: alerts.PRIORITY.optional(),
        status: alerts.ALERT_STATUS.optional(),
        assigned_agent: Chars(100).optional(),
        alert_type: Chars(50).optional(),
        customer_id: z.string().uuid().optional(),
        /** Raised before this time: a queue's "older than". */
        created_before: IsoDateTime.optional(),
        created_after: IsoDateTime.optional(),
        ...includeTotalQuery,
      }),
    },
    responses: { 200: json(pageWithTotalSchema(AlertSchema), 'Alerts'), ...errorResponses },
  }),
  stats: securedRoute('alerts:read', {
    method: 'get',
    path: '/alerts/stats',
    tags,
    summary: "The queue's header: unresolved alerts by priority, unassigned, assigned, past their SLA",
    responses: { 200: json(alerts.alertStatsRow.openapi('AlertStats'), 'Counts now'), ...errorResponses },
  }),
  metrics: securedRoute('alerts:read', {
    method: 'get',
    path: '/alerts/metrics',
    tags,
    summary:
      'A dashboard: alerts raised per day by priority and resolved per day, the median time to resolve, case outcomes',
    request: {
      query: z.object({ days: z.coerce.number().int().min(1).max(90).default(14) }),
    },
    responses: {
      200: json(alerts.alertMetricsRow.openapi('AlertMetrics'), 'Over the last days'),
      ...errorResponses,
    },
  }),
  ofCustomer: securedRoute('alerts:read', {
    method: 'get',
    path: '/customers/{id}/alerts',
    tags,
    summary: "A customer's alerts, highest priority first, then newest",
    request: {
      params: IdParams,
      query: pageQuerySchema.extend({
        limit: z.coerce.number().int().min(1).max(100).default(20),
        status: alerts.ALERT_STATUS.optional(),
        ...includeTotalQuery,
      }),
    },
    responses: { 200: json(pageWithTotalSchema(AlertSchema), 'Alerts'), ...errorResponses },
  }),
  get: securedRoute('alerts:read', {
    method: 'get',
    path: '/alerts/{id}',
    tags,
    summary: 'An alert with its case, agent runs and timeline',
    request: { params: IdParams },
    responses: {
      200: json(
        AlertSchema.extend({
          case: CaseSchema.nullable(),
          agent_runs: z.array(AgentRunSchema),
          timeline: z.array(z.record(z.unknown())),
        }),
        'The alert',
      ),
      ...errorResponses,
    },
  }),
  assign: securedRoute('alerts:write', {
    method: 'post',
    path: '/alerts/{id}/assign',
    tags,
    request: {
      params: IdParams,
      headers: IdempotencyHeaders,
      body: jsonBody(z.object({ agent: Text(100) }).strict()),
    },
    responses: { 200: json(AlertSchema, 'Assigned'), ...conflictResponses, ...errorResponses },
  }),
  takeNext: securedRoute('alerts:write', {
    method: 'post',
    path: '/alerts/take-next',
    tags,
    summary:
      'Assign yourself the oldest unassigned open alert of the highest priority (concurrent callers get different alerts)',
    request: {
      headers: IdempotencyHeaders,
      body: {
        required: false,
        content: {
          'application/json': {
            schema: z
              .object({
                agent: Text(100).optional().openapi({
                  description: "Whom to assign: a user's own email by default; an API key must say",
                }),
              })
              .strict(),
          },
        },
      },
    },
    responses: {
      200: json(
        z.object({ alert: z.union([AlertSchema, z.null()]) }),
        'The alert now assigned to you; null when no unassigned open alert waits',
      ),
      ...errorResponses,
    },
  }),
  resolve: securedRoute('alerts:write', {
    method: 'post',
    path: '/alerts/{id}/resolve',
    tags,
    request: {
      params: IdParams,
      headers: IdempotencyHeaders,
      body: jsonBody(
        z
          .object({
            resolution: Text(2000),
            actions_taken: z.array(ActionItem).max(50).default([]),
            outcome: OUTCOME.optional(),
          })
          .strict(),
      ),
    },
    responses: { 200: json(AlertSchema, 'Resolved'), ...conflictResponses, ...errorResponses },
  }),
  note: securedRoute('alerts:write', {
    method: 'post',
    path: '/alerts/{id}/notes',
    tags,
    request: {
      params: IdParams,
      headers: IdempotencyHeaders,
      body: jsonBody(z.object({ note: Text(4000) }).strict()),
    },
    responses: {
      201: json(z.object({ added: z.literal(true) }), 'Added to the case timeline'),
      ...errorResponses,
    },
  }),
  startTriage: securedRoute('alerts:write', {
    method: 'post',
    path: '/alerts/{id}/triage',
    tags,
    summary: 'Start triage (one run per alert; calling again returns the same run)',
    request: {
      params: IdParams,
      body: {
        required: false,
        content: {
          'application/json': {
            schema: z
              .object({ agents: z.array(z.string().min(1).max(50)).min(1).max(20).optional() })
              .strict()
              .openapi({ example: { agents: AGENT_IDS } }),
          },
        },
      },
    },
    responses: {
      202: json(
        z.object({
          workflow_id: z.string(),
          run_id: z.string().nullable(),
          batches: z.array(z.array(z.string())),
        }),
        'Started',
      ),
      ...errorResponses,
    },
  }),
  getTriage: securedRoute('alerts:read', {
    method: 'get',
    path: '/alerts/{id}/triage',
    tags,
    summary: 'The plan and each agent’s status, batch, timings and result (from Postgres)',
    request: { params: IdParams },
    responses: { 200: json(TriageSchema, 'Triage'), ...errorResponses },
  }),
};

export function alertRoutes(deps: { db: Db; temporal: Client; taskQueuePrefix: string }) {
  const { db } = deps;
  const requireAlert = async (orgId: string, id: string) => {
    const a = await alerts.getAlert(db, orgId, id);
    if (!a) throw notFound('alert');
    return a;
  };

  return newRouter()
    .openapi(routes.list, async (c) => {
      const q = c.req.valid('query');
      const orgId = c.get('principal').orgId;
      const rows = await alerts.listAlerts(db, orgId, q);
      const page = toPage(rows, q.limit, (r) => [r.priority_rank, r.created_at, r.id]);
      const view = { ...page, data: page.data.map(alerts.alertView) };
      return c.json(await withTotal(view, q, () => alerts.countAlerts(db, orgId, q)), 200);
    })
    .openapi(routes.stats, async (c) => c.json(await alerts.alertStats(db, c.get('principal').orgId), 200))
    .openapi(routes.metrics, async (c) =>
      c.json(await alerts.alertMetrics(db, c.get('principal').orgId, c.req.valid('query').days), 200),
    )
    .openapi(routes.ofCustomer, async (c) => {
      const orgId = c.get('principal').orgId;
      const customerId = c.req.valid('param').id;
      if (!(await getCustomer(db, orgId, customerId))) throw notFound('customer');
      const q = c.req.valid('query');
      const rows = await alerts.listAlerts(db, orgId, { ...q, customer_id: customerId });
      const page = toPage(rows, q.limit, (r) => [r.priority_rank, r.created_at, r.id]);
      const view = { ...page, data: page.data.map(alerts.alertView) };
      return c.json(
        await withTotal(view, q, () => alerts.countAlerts(db, orgId, { ...q, customer_id: customerId })),
        200,
      );
    })
    .openapi(routes.get, async (c) => {
      const orgId = c.get('principal').orgId;
      const alert = await requireAlert(orgId, c.req.valid('param').id);
      const kase = await getCaseByAlert(db, orgId, alert.id);
      const [runs, timeline] = await Promise.all([
        listRuns(db, orgId, alert.id),
        kase ? listCaseEvents(db, orgId, kase.id) : Promise.resolve([]),
      ]);
      const caseView = kase ? (({ org_id: _org, ...rest }: typeof kase) => rest)(kase) : null;
      return c.json(
        {
          ...alerts.alertView(alert),
          case: caseView,
          agent_runs: [...runs],
          timeline: [...timeline],
        },
        200,
      );
    })
    .openapi(routes.assign, async (c) => {
      const p = c.get('principal');
      const id = c.req.valid('param').id;
      await requireAlert(p.orgId, id);
      const { agent } = c.req.valid('json');
      const r = await idempotent(
        db,
        c,
        { action: 'alert.assign', resourceId: id },
        { agent },
        async (key) => {
          // The running triage applies it (its validator and state hold); with none, the same command directly.
          const actor = principalActor(p);
          const input = { agent, actor: actorString(actor) };
          if (!(await sendTriageCommand(deps.temporal, id, { name: 'assign', input }, key)))
            await assignAlert(db, p.orgId, { alertId: id, agent, actor, key });
          return { status: 200, body: alerts.alertView(await requireAlert(p.orgId, id)) };
        },
      );
      return c.json(r.body as z.infer<typeof AlertSchema>, 200);
    })
    .openapi(routes.takeNext, async (c) => {
      const p = c.get('principal');
      const agent =
        c.req.valid('json').agent ??
        (p.actorType === 'user' ? (await getUser(db, p.orgId, p.actorId))?.email : undefined);
      if (!agent)
        throw unprocessable([
          { path: 'body.agent', message: 'an API key names whom to assign', code: 'required' },
        ]);
      const r = await idempotent(db, c, { action: 'alert.take_next' }, { agent }, async (key) => {
        const alert = await takeNextAlert(db, p.orgId, { agent, actor: principalActor(p), key });
        return { status: 200, body: { alert: alert && alerts.alertView(alert) } };
      });
      return c.json(r.body as { alert: z.infer<typeof AlertSchema> | null }, 200);
    })
    .openapi(routes.resolve, async (c) => {
      const p = c.get('principal');
      const id = c.req.valid('param').id;
      await requireAlert(p.orgId, id);
      const body = c.req.valid('json');
      const r = await idempotent(db, c, { action: 'alert.resolve', resourceId: id }, body, async (key) => {
        const actor = principalActor(p);
        const input = { ...body, actor: actorString(actor) };
        if (!(await sendTriageCommand(deps.temporal, id, { name: 'resolve', input }, key)))
          await resolveAlert(db, p.orgId, { alertId: id, ...body, actor, key });
        return { status: 200, body: alerts.alertView(await requireAlert(p.orgId, id)) };
      });
      return c.json(r.body as z.infer<typeof AlertSchema>, 200);
    })
    .openapi(routes.note, async (c) => {
      const p = c.get('principal');
      const id = c.req.valid('param').id;
      await requireAlert(p.orgId, id);
      const kase = await getCaseByAlert(db, p.orgId, id);
      if (!kase) throw new ApiError(409, 'conflict', 'The alert has no case yet; start triage first');
      const { note } = c.req.valid('json');
      await idempotent(db, c, { action: 'case.note', resourceId: id }, { note }, async (key) => {
        const actor = principalActor(p);
        const input = { note, actor: actorString(actor) };
        if (!(await sendTriageCommand(deps.temporal, id, { name: 'addNote', input }, key)))
          await addCaseNote(db, p.orgId, { caseId: kase.id, note, actor, key });
        return { status: 201, body: { added: true } };
      });
      return c.json({ added: true as const }, 201);
    })
    .openapi(routes.startTriage, async (c) => {
      const p = c.get('principal');
      const alert = await requireAlert(p.orgId, c.req.valid('param').id);
      const agents = c.req.valid('json').agents;
      let batches: string[][];
      try {
        batches = planAgents(AGENTS, agents).batches;
      } catch (err) {
        if (!(err instanceof PlanError)) throw err;
        throw new ApiError(400, 'validation_failed', err.message, {
          issues: [{ path: 'body.agents', message: err.message, code: err.kind }],
        });
      }
      // Running: the same run answers. Finished: never a second triage of one alert.
      const { workflowId, runId } = await startTriage(
        deps.temporal,
        {
          orgId: p.orgId,
          alertId: alert.id,
          customerId: alert.customer_id,
          priority: alert.priority,
          agents,
        },
        { prefix: deps.taskQueuePrefix },
      );
      return c.json({ workflow_id: workflowId, run_id: runId, batches }, 202);
    })
    .openapi(routes.getTriage, async (c) => {
      const orgId = c.get('principal').orgId;
      const alert = await requireAlert(orgId, c.req.valid('param').id);
      const runs = await listRuns(db, orgId, alert.id);
      const batches: string[][] = [];
      for (const r of runs) (batches[r.batch] ??= []).push(r.agent);
      const done =
        runs.length > 0 && runs.every((r) => ['completed', 'failed', 'skipped'].includes(r.status));
      const status = !runs.length
        ? 'not_started'
        : !done
          ? 'running'
          : runs.every((r) => r.status === 'completed')
            ? 'completed'
            : 'partial';
      return c.json({ workflow_id: triageWorkflowId(alert.id), status, batches, agents: [...runs] }, 200);
    });
}
