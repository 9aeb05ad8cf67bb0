import { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { Db } from '../../../db/pool.js';
import { getCustomer } from '../../../db/customers/customers.js';
import { API_RPC_DEADLINE_MS } from '../../../temporal/clients/deadline.js';
import { evaluateCustomerRulesNow } from '../../../temporal/clients/rules.js';
import { auditRequest, commandActor } from '../../audit.js';
import { evaluateRulesNow } from '../../../commands/rules/evaluate-rules.js';
import { getAlertRule } from '../../../db/rules/alert-rules.js';
import { dispatchStarts } from '../../../temporal/clients/pending-starts.js';
import { notFound } from '../../errors.js';
import { errorResponses, IdParams, json, newRouter, securedRoute } from '../../router.js';
import { Uuid } from '../../schemas.js';

const routes = {
  evaluateCustomer: securedRoute('rules:write', {
    method: 'post',
    path: '/admin/alert-rules/evaluate-customer/{customerId}',
    tags: ['admin'],
    summary: 'Evaluate every rule of one customer now (workflow rules-evaluate-<customerId>)',
    request: {
      params: z.object({ customerId: Uuid.openapi({ param: { name: 'customerId', in: 'path' } }) }),
    },
    responses: {
      200: json(z.object({ evaluated: z.number().int(), fired: z.number().int() }), 'Evaluated'),
      ...errorResponses,
    },
  }),
  evaluateRule: securedRoute('rules:write', {
    method: 'post',
    path: '/admin/alert-rules/{id}/evaluate',
    tags: ['admin'],
    summary: 'Evaluate one rule now, in the request (fired alerts notify as the periodic pass would)',
    request: { params: IdParams },
    responses: {
      200: json(z.object({ evaluated: z.number().int(), fired: z.number().int() }), 'Evaluated'),
      ...errorResponses,
    },
  }),
  schedules: securedRoute('workflows:admin', {
    method: 'get',
    path: '/admin/schedules',
    tags: ['admin'],
    summary: 'Sentinel’s Temporal schedules with their last and next runs',
    responses: {
      200: json(
        z.object({
          data: z.array(
            z.object({
              schedule_id: z.string(),
              workflow_type: z.string().nullable(),
              paused: z.boolean(),
              last_run_at: z.string().nullable(),
              last_workflow_id: z.string().nullable(),
              next_run_at: z.string().nullable(),
            }),
          ),
        }),
        'Schedules',
      ),
      ...errorResponses,
    },
  }),
};

export function rulesAdminRoutes(deps: { db: Db; temporal: Client; taskQueuePrefix: string }) {
  const { db, temporal } = deps;
  return newRouter()
    .openapi(routes.evaluateRule, async (c) => {
      const orgId = c.get('principal').orgId;
      const rule = await getAlertRule(db, orgId, c.req.valid('param').id);
      if (!rule) throw notFound('alert rule');
      const r = await evaluateRulesNow(db, orgId, rule.customer_id, commandActor(c), { ruleId: rule.id });
      await dispatchStarts(temporal, db, r.starts, { prefix: deps.taskQueuePrefix, log: c.get('log') });
      await auditRequest(db, c, {
        action: 'alert_rule.evaluated',
        resourceType: 'alert_rule',
        resourceId: rule.id,
      });
      return c.json({ evaluated: r.evaluated, fired: r.fired }, 200);
    })
    .openapi(routes.evaluateCustomer, async (c) => {
      const orgId = c.get('principal').orgId;
      const { customerId } = c.req.valid('param');
      if (!(await getCustomer(db, orgId, customerId))) throw notFound('customer');
      const result = await evaluateCustomerRulesNow(
        temporal,
        { orgId, customerId },
        { prefix: deps.taskQueuePrefix },
      );
      await auditRequest(db, c, {
        action: 'alert_rules.evaluated',
        resourceType: 'customer',
        resourceId: customerId,
      });
      return c.json({ evaluated: result.evaluated, fired: result.fired }, 200);
    })
    .openapi(routes.schedules, async (c) => {
      const data = [];
      const list = temporal.connection.withDeadline(Date.now() + API_RPC_DEADLINE_MS, async () => {
        const out = [];
        for await (const s of temporal.schedule.list()) {
          if (s.scheduleId.startsWith(deps.taskQueuePrefix)) out.push(s);
        }
        return out;
      });
      for (const s of await list) {
        const last = s.info.recentActions.at(-1);
        data.push({
          schedule_id: s.scheduleId,
          workflow_type: s.action?.type === 'startWorkflow' ? s.action.workflowType : null,
          paused: s.state.paused,
          last_run_at: last?.takenAt.toISOString() ?? null,
          last_workflow_id: last?.action.workflow.workflowId ?? null,
          next_run_at: s.info.nextActionTimes[0]?.toISOString() ?? null,
        });
      }
      return c.json({ data: data.sort((a, b) => a.schedule_id.localeCompare(b.schedule_id)) }, 200);
    });
}
