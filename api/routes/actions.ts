import { z } from '@hono/zod-openapi';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { sql } from 'slonik';
import { appendAudit } from '../../db/platform/audit.js';
import * as cards from '../../db/triage/cards.js';
import { getCaseByAlert } from '../../db/triage/cases.js';
import * as disputes from '../../db/triage/disputes.js';
import { getTransaction } from '../../db/triage/transactions.js';
import type { Db } from '../../db/pool.js';
import { cardFreezeWorkflowId, requestCardFreeze } from '../../temporal/card-freeze.js';
import { CustomerId, Domain, OrgId } from '../../temporal/search-attributes.js';
import { API_RPC_DEADLINE_MS, startWorkflow } from '../../temporal/start.js';
import { taskQueue } from '../../temporal/task-queues.js';
import { disputeId } from '../../temporal/workflow-ids.js';
import type { disputeLifecycle } from '../../workflows/triage/dispute-lifecycle.js';
import { submitByDeadline } from '../../workflows/triage/dispute-rules.js';
import {
  DEFAULT_FREEZE_HOURS,
  disputeOutcomeSignal,
  MAX_FREEZE_HOURS,
  submitDisputeSignal,
  unfreezeSignal,
} from '../../workflows/triage/messages.js';
import { auditRequest } from '../audit.js';
import { ApiError, notFound } from '../errors.js';
import { idempotent } from '../idempotency.js';
import {
  conflictResponses,
  errorResponses,
  IdempotencyHeaders,
  IdParams,
  json,
  jsonBody,
  newRouter,
  securedRoute,
} from '../router.js';
import { cardView } from './customers.js';

const Evidence = z.union([
  z.string().trim().min(1).max(2000),
  z
    .object({
      type: z.string().trim().min(1).max(50),
      description: z.string().max(2000).optional(),
      url: z.string().url().optional(),
    })
    .strict(),
]);

const CardStateSchema = z.object({
  card_id: z.string().uuid(),
  status: z.enum(['active', 'frozen', 'closed']),
  frozen_reason: z.string().nullable(),
  frozen_until: z.string().nullable(),
  workflow_id: z.string(),
});

const DisputeSchema = disputes.disputeRow
  .omit({ org_id: true })
  .extend({ workflow_id: z.string() })
  .openapi('Dispute');

const DISPUTE_REASONS = [
  'fraud',
  'no_authorization',
  'not_received',
  'not_as_described',
  'duplicate',
  'incorrect_amount',
  'cancelled_recurring',
  'other',
] as const;

const tags = ['actions'];
const routes = {
  freeze: securedRoute('actions:write', {
    method: 'post',
    path: '/actions/freeze-card',
    tags,
    summary: 'Freeze a card (temporary: lifts itself after duration_hours, 24 by default)',
    request: {
      headers: IdempotencyHeaders,
      body: jsonBody(
        z
          .object({
            card_id: z.string().uuid(),
            reason: z.string().trim().min(1).max(200),
            temporary: z.boolean().default(true),
            duration_hours: z.number().positive().max(MAX_FREEZE_HOURS).optional(),
          })
          .strict()
          .refine((b) => b.temporary || b.duration_hours === undefined, {
            message: 'duration_hours applies to temporary freezes only',
            path: ['duration_hours'],
          }),
      ),
    },
    responses: { 200: json(CardStateSchema, 'The card, frozen'), ...conflictResponses, ...errorResponses },
  }),
  unfreeze: securedRoute('actions:write', {
    method: 'post',
    path: '/actions/unfreeze-card',
    tags,
    request: {
      body: jsonBody(
        z.object({ card_id: z.string().uuid(), reason: z.string().trim().min(1).max(200) }).strict(),
      ),
    },
    responses: { 202: json(CardStateSchema, 'Unfreeze requested'), ...conflictResponses, ...errorResponses },
  }),
  openDispute: securedRoute('actions:write', {
    method: 'post',
    path: '/actions/open-dispute',
    tags,
    summary: 'Open the issuer-side dispute of a transaction (one per transaction)',
    request: {
      body: jsonBody(
        z
          .object({
            transaction_id: z.string().uuid(),
            dispute_reason: z.enum(DISPUTE_REASONS),
            evidence: z.array(Evidence).max(50).default([]),
          })
          .strict(),
      ),
    },
    responses: {
      201: json(DisputeSchema, 'Opened'),
      200: json(DisputeSchema, 'Already open'),
      ...errorResponses,
    },
  }),
  getDispute: securedRoute('alerts:read', {
    method: 'get',
    path: '/disputes/{id}',
    tags,
    request: { params: IdParams },
    responses: { 200: json(DisputeSchema, 'A dispute'), ...errorResponses },
  }),
  submitDispute: securedRoute('actions:write', {
    method: 'post',
    path: '/disputes/{id}/submit',
    tags,
    request: {
      params: IdParams,
      body: jsonBody(z.object({ evidence: z.array(Evidence).max(50).default([]) }).strict()),
    },
    responses: {
      202: json(DisputeSchema, 'Submission sent to the dispute workflow'),
      ...conflictResponses,
      ...errorResponses,
    },
  }),
  disputeOutcome: securedRoute('actions:write', {
    method: 'post',
    path: '/disputes/{id}/outcome',
    tags,
    summary: 'Record the card network’s decision',
    request: { params: IdParams, body: jsonBody(z.object({ result: z.enum(['won', 'lost']) }).strict()) },
    responses: {
      202: json(DisputeSchema, 'Outcome sent to the dispute workflow'),
      ...conflictResponses,
      ...errorResponses,
    },
  }),
};

export function actionRoutes(deps: { db: Db; temporal: Client; taskQueuePrefix: string }) {
  const { db } = deps;
  const requireCard = async (orgId: string, id: string) => {
    const card = await cards.getCard(db, orgId, id);
    if (!card) throw notFound('card');
    return card;
  };
  const requireDispute = async (orgId: string, id: string) => {
    const d = await disputes.getDispute(db, orgId, id);
    if (!d) throw notFound('dispute');
    return d;
  };
  const disputeView = ({ org_id: _org, ...d }: disputes.DisputeRow) => ({
    ...d,
    workflow_id: disputeId(d.id),
  });
  const signalDispute = async (
    id: string,
    send: (h: ReturnType<Client['workflow']['getHandle']>) => Promise<void>,
  ) => {
    try {
      await deps.temporal.connection.withDeadline(Date.now() + API_RPC_DEADLINE_MS, () =>
        send(deps.temporal.workflow.getHandle(disputeId(id))),
      );
    } catch (err) {
      if (err instanceof WorkflowNotFoundError)
        throw new ApiError(409, 'conflict', 'The dispute is already closed');
      throw err;
    }
  };

  return newRouter()
    .openapi(routes.freeze, async (c) => {
      const p = c.get('principal');
      const body = c.req.valid('json');
      const card = await requireCard(p.orgId, body.card_id);
      if (card.status === 'closed') throw new ApiError(409, 'conflict', 'The card is closed');
      const r = await idempotent(db, c, { action: 'card.freeze', resourceId: card.id }, body, async (key) => {
        try {
          const state = await deps.temporal.connection.withDeadline(Date.now() + API_RPC_DEADLINE_MS, () =>
            requestCardFreeze(deps.temporal, {
              orgId: p.orgId,
              cardId: card.id,
              customerId: card.customer_id,
              taskQueuePrefix: deps.taskQueuePrefix,
              request: {
                requestId: key,
                reason: body.reason,
                temporary: body.temporary,
                durationHours: body.temporary ? (body.duration_hours ?? DEFAULT_FREEZE_HOURS) : undefined,
                actor: `${p.actorType}:${p.actorId}`,
              },
            }),
          );
          const view = {
            card_id: card.id,
            status: state.status,
            frozen_reason: state.frozen_reason,
            frozen_until: state.frozen_until,
            workflow_id: cardFreezeWorkflowId(card.id),
          };
          return { status: 200 as const, body: view };
        } catch (err) {
          if (err instanceof WorkflowUpdateFailedError) {
            throw new ApiError(422, 'unprocessable', err.cause?.message ?? 'The freeze was refused');
          }
          throw err;
        }
      });
      return c.json(r.body as z.infer<typeof CardStateSchema>, 200);
    })
    .openapi(routes.unfreeze, async (c) => {
      const p = c.get('principal');
      const body = c.req.valid('json');
      const card = await requireCard(p.orgId, body.card_id);
      if (card.status !== 'frozen') throw new ApiError(409, 'conflict', 'The card is not frozen');
      const actor = `${p.actorType}:${p.actorId}`;
      try {
        await deps.temporal.connection.withDeadline(Date.now() + API_RPC_DEADLINE_MS, () =>
          deps.temporal.workflow
            .getHandle(cardFreezeWorkflowId(card.id))
            .signal(unfreezeSignal, { reason: body.reason, actor }),
        );
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        // Frozen with no freeze workflow (e.g. by a data fix): unfreeze directly.
        await db.transaction(async (t) => {
          await cards.unfreezeCard(t, p.orgId, card.id);
          await appendAudit(t, {
            orgId: p.orgId,
            actorType: p.actorType,
            actorId: p.actorId,
            action: 'card.unfrozen',
            resourceType: 'card',
            resourceId: card.id,
            after: { status: 'active', reason: body.reason },
            requestId: c.get('requestId'),
          });
        });
      }
      const now = cardView(await requireCard(p.orgId, card.id));
      return c.json(
        {
          card_id: now.id,
          status: now.status,
          frozen_reason: now.frozen_reason,
          frozen_until: now.frozen_until,
          workflow_id: cardFreezeWorkflowId(card.id),
        },
        202,
      );
    })
    .openapi(routes.openDispute, async (c) => {
      const p = c.get('principal');
      const body = c.req.valid('json');
      const tx = await getTransaction(db, p.orgId, body.transaction_id);
      if (!tx) throw notFound('transaction');
      const alertId = await db.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
        SELECT id FROM alerts WHERE org_id = ${p.orgId} AND transaction_id = ${tx.id} ORDER BY created_at LIMIT 1`);
      const kase = alertId ? await getCaseByAlert(db, p.orgId, alertId) : null;
      const submitBy = submitByDeadline(tx.transaction_date, body.dispute_reason);
      if (Date.parse(submitBy) <= Date.now()) {
        throw new ApiError(422, 'unprocessable', `The submit-by deadline (${submitBy}) has passed`);
      }
      const { row, created } = await db.transaction(async (t) => {
        const opened = await disputes.openDispute(t, p.orgId, {
          transaction_id: tx.id,
          customer_id: tx.customer_id,
          case_id: kase?.id ?? null,
          reason: body.dispute_reason,
          amount: tx.amount.replace('-', ''),
          evidence: body.evidence,
          submit_by: submitBy,
        });
        // The dispute row and its workflow start together (the workflow id is the dispute's).
        await startWorkflow<typeof disputeLifecycle>(deps.temporal, 'disputeLifecycle', {
          workflowId: disputeId(opened.row.id),
          taskQueue: taskQueue('triage', deps.taskQueuePrefix),
          args: [{ orgId: p.orgId, disputeId: opened.row.id, submitBy: opened.row.submit_by }],
          workflowIdConflictPolicy: 'USE_EXISTING',
          typedSearchAttributes: [
            { key: OrgId, value: p.orgId },
            { key: CustomerId, value: tx.customer_id },
            { key: Domain, value: 'triage' },
          ],
        }).catch((err: unknown) => {
          if (!opened.created && err instanceof WorkflowExecutionAlreadyStartedError) return;
          throw err;
        });
        return opened;
      });
      if (created) {
        await auditRequest(db, c, { action: 'dispute.opened', resourceType: 'dispute', resourceId: row.id });
      }
      return c.json(disputeView(row), created ? 201 : 200);
    })
    .openapi(routes.getDispute, async (c) => {
      return c.json(
        disputeView(await requireDispute(c.get('principal').orgId, c.req.valid('param').id)),
        200,
      );
    })
    .openapi(routes.submitDispute, async (c) => {
      const p = c.get('principal');
      const d = await requireDispute(p.orgId, c.req.valid('param').id);
      if (d.status !== 'unsubmitted')
        throw new ApiError(409, 'conflict', `The dispute is already ${d.status}`);
      const { evidence } = c.req.valid('json');
      await signalDispute(d.id, (h) =>
        h.signal(submitDisputeSignal, { evidence, actor: `${p.actorType}:${p.actorId}` }),
      );
      return c.json(disputeView(d), 202);
    })
    .openapi(routes.disputeOutcome, async (c) => {
      const p = c.get('principal');
      const d = await requireDispute(p.orgId, c.req.valid('param').id);
      if (d.status !== 'submitted') {
        throw new ApiError(
          409,
          'conflict',
          `Only a submitted dispute has an outcome; this one is ${d.status}`,
        );
      }
      const { result } = c.req.valid('json');
      await signalDispute(d.id, (h) =>
        h.signal(disputeOutcomeSignal, { result, actor: `${p.actorType}:${p.actorId}` }),
      );
      return c.json(disputeView(d), 202);
    });
}
