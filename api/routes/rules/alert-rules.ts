import { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { getCustomer } from '../../../db/customers/customers.js';
import type { Db } from '../../../db/pool.js';
import * as rules from '../../../db/rules/alert-rules.js';
import * as bills from '../../../db/rules/bills.js';
import { ownedByCustomer } from '../../../db/rules/targets.js';
import { InvalidReferenceError } from '../../../lib/domain-errors.js';
import { toPage } from '../../../lib/pagination.js';
import { notifyBillReminder } from '../../../temporal/clients/rules.js';
import { BILL_DAYS_BEFORE, BUDGET_THRESHOLDS, GOAL_MILESTONES } from '../../../workflows/rules/evaluators.js';
import { auditRequest } from '../../audit.js';
import { notFound } from '../../errors.js';
import { newRouter } from '../../router.js';
import { PositiveMoney, Uuid } from '../../schemas.js';
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
          merchant_pattern: z.string().trim().min(1).max(100),
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
  const { db, temporal } = deps;
  const prefix = deps.taskQueuePrefix;

  /** A rule's target must be the customer's own account, goal, budget or bill. */
  async function checkTarget(orgId: string, r: AlertRuleBody) {
    if (!(await getCustomer(db, orgId, r.customer_id)))
      throw new InvalidReferenceError('body.customer_id', 'no such customer');
    const c = r.conditions as Record<string, unknown>;
    const targets = [
      ['account_id', 'accounts', 'account'],
      ['goal_id', 'goals', 'goal'],
      ['budget_id', 'budgets', 'budget'],
      ['bill_id', 'bills', 'bill'],
    ] as const;
    for (const [field, table, what] of targets) {
      if (typeof c[field] !== 'string') continue;
      if (!(await ownedByCustomer(db, orgId, table, c[field], r.customer_id)))
        throw new InvalidReferenceError(`body.conditions.${field}`, `no such ${what} for this customer`);
    }
  }

  const audit = (c: Parameters<typeof auditRequest>[1], action: string, id: string) =>
    auditRequest(db, c, { action, resourceType: 'alert_rule', resourceId: id });

  // An upcoming_bill rule's bill re-plans its reminders when the rule changes.
  const touchBill = async (orgId: string, billId: unknown) => {
    if (typeof billId !== 'string') return;
    const bill = await bills.getBill(db, orgId, billId);
    if (bill?.status === 'active') await notifyBillReminder(temporal, bill, 'updated', { prefix });
  };

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
      await checkTarget(orgId, body);
      const row = await rules.createAlertRule(db, orgId, body);
      await touchBill(orgId, row.bill_id);
      await audit(c, 'alert_rule.created', row.id);
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
      const before = await rules.getAlertRule(db, orgId, id);
      if (!before) throw notFound('alert rule');
      const body = c.req.valid('json');
      await checkTarget(orgId, body);
      const row = await rules.replaceAlertRule(db, orgId, id, body);
      if (!row) throw notFound('alert rule');
      await touchBill(orgId, before.bill_id);
      if (row.bill_id !== before.bill_id) await touchBill(orgId, row.bill_id);
      await audit(c, 'alert_rule.updated', id);
      return c.json(strip(row), 200);
    })
    .openapi(routes.remove, async (c) => {
      const orgId = c.get('principal').orgId;
      const row = await rules.deleteAlertRule(db, orgId, c.req.valid('param').id);
      if (!row) throw notFound('alert rule');
      await touchBill(orgId, row.bill_id);
      await audit(c, 'alert_rule.deleted', row.id);
      return c.body(null, 204);
    });
}
