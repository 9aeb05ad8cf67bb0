import { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { createAlertRule } from '../../../commands/rules/create-alert-rule.js';
import { deleteAlertRule } from '../../../commands/rules/delete-alert-rule.js';
import { replaceAlertRule } from '../../../commands/rules/replace-alert-rule.js';
import type { Db } from '../../../db/pool.js';
import * as rules from '../../../db/rules/alert-rules.js';
import { toPage } from '../../../lib/pagination.js';
import { BILL_DAYS_BEFORE, BUDGET_THRESHOLDS, GOAL_MILESTONES } from '../../../workflows/rules/evaluators.js';
import { commandActor } from '../../audit.js';
import { notFound } from '../../errors.js';
import { newRouter } from '../../router.js';
import { PositiveMoney, Text, Uuid } from '../../schemas.js';
import { crud, ListQuery, literals, strip } from './shared.js';

/** Each rule type's conditions, exactly as the seed specifies them; a wrong shape is a 400 naming the field. */
const ruleFields = {
  customer_id: Uuid,
  email_delivery: z.boolean().default(true),
  sms_delivery: z.boolean().default(false),
  active: z.boolean().default(true),
};
const AlertRuleBody = z
  .discriminatedUnion('alert_type', [
    z.object({
      ...ruleFields,
      alert_type: z.literal('account_threshold'),
      conditions: z
        .object({ account_id: Uuid, threshold: PositiveMoney, direction: z.enum(['below', 'above']) })
        .strict(),
    }),
    z.object({
      ...ruleFields,
      alert_type: z.literal('goal'),
      conditions: z
        .object({ goal_id: Uuid, milestone_percentage: literals(GOAL_MILESTONES).optional() })
        .strict(),
    }),
    z.object({
      ...ruleFields,
      alert_type: z.literal('merchant_name'),
      conditions: z
        .object({
          merchant_pattern: Text(100),
          match_type: z.enum(['exact', 'contains']),
          frequency: z.enum(['immediate', 'daily_digest', 'first_of_day']).default('immediate'),
        })
        .strict(),
    }),
    z.object({
      ...ruleFields,
      alert_type: z.literal('spending_target'),
      conditions: z
        .object({ budget_id: Uuid, threshold_percentage: literals(BUDGET_THRESHOLDS).optional() })
        .strict(),
    }),
    z.object({
      ...ruleFields,
      alert_type: z.literal('transaction_limit'),
      conditions: z.object({ amount: PositiveMoney, account_id: Uuid.optional() }).strict(),
    }),
    z.object({
      ...ruleFields,
      alert_type: z.literal('upcoming_bill'),
      conditions: z.object({ bill_id: Uuid, days_before: literals(BILL_DAYS_BEFORE) }).strict(),
    }),
  ])
  .openapi('AlertRuleInput');
type AlertRuleBody = z.infer<typeof AlertRuleBody>;

const AlertRuleSchema = rules.alertRuleRow.omit({ org_id: true }).openapi('AlertRule');
const routes = crud('Alert rule', '/alert-rules', AlertRuleSchema, AlertRuleBody, AlertRuleBody, {
  patchMethod: 'put',
  listQuery: ListQuery.extend({
    alert_type: z.enum(rules.alertRuleRow.shape.alert_type.options).optional(),
    active: z.enum(['true', 'false']).optional(),
  }),
});

/** The six personal-finance alert rules of the seed, each on a target the customer owns. */
export function alertRuleRoutes(deps: { db: Db; temporal: Client; taskQueuePrefix: string }) {
  const { db } = deps;
  const ruleDeps = { db, temporal: deps.temporal, taskQueuePrefix: deps.taskQueuePrefix };

  return newRouter()
    .openapi(routes.list, async (c) => {
      const q = c.req.valid('query');
      const rows = await rules.listAlertRules(db, c.get('principal').orgId, {
        ...q,
        active: q.active === undefined ? undefined : q.active === 'true',
      });
      const page = toPage(rows, q.limit);
      return c.json({ ...page, data: page.data.map(strip) }, 200);
    })
    .openapi(routes.create, async (c) => {
      const orgId = c.get('principal').orgId;
      const body = c.req.valid('json');
      const row = await createAlertRule(ruleDeps, orgId, body, commandActor(c));
      return c.json(strip(row), 201);
    })
    .openapi(routes.get, async (c) => {
      const row = await rules.getAlertRule(db, c.get('principal').orgId, c.req.valid('param').id);
      if (!row) throw notFound('alert rule');
      return c.json(strip(row), 200);
    })
    .openapi(routes.update, async (c) => {
      const orgId = c.get('principal').orgId;
      const id = c.req.valid('param').id;
      const row = await replaceAlertRule(ruleDeps, orgId, id, c.req.valid('json'), commandActor(c));
      if (!row) throw notFound('alert rule');
      return c.json(strip(row), 200);
    })
    .openapi(routes.remove, async (c) => {
      const orgId = c.get('principal').orgId;
      if (!(await deleteAlertRule(ruleDeps, orgId, c.req.valid('param').id, commandActor(c))))
        throw notFound('alert rule');
      return c.body(null, 204);
    });
}
