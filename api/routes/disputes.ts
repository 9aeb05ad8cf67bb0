import { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { openDispute } from '../../commands/triage/open-dispute.js';
import * as disputes from '../../db/triage/disputes.js';
import type { Db } from '../../db/pool.js';
import { dispatchStarts } from '../../temporal/clients/pending-starts.js';
import { signalDispute } from '../../temporal/clients/triage.js';
import { actorString } from '../../workflows/platform/actor.js';
import { DISPUTE_REASONS } from '../../workflows/triage/dispute-rules.js';
import { disputeWorkflowId } from '../../workflows/triage/ids.js';
import { principalActor } from '../audit.js';
import { ApiError, notFound } from '../errors.js';
import {
  conflictResponses,
  errorResponses,
  IdParams,
  json,
  jsonBody,
  newRouter,
  securedRoute,
} from '../router.js';
import { Chars, Text } from '../schemas.js';

const Evidence = z.union([
  Text(2000),
  z
    .object({
      type: Text(50),
      description: Chars(2000).optional(),
      url: z.string().url().optional(),
    })
    .strict(),
]);

const DisputeSchema = disputes.disputeRow
  .omit({ org_id: true })
  .extend({ workflow_id: z.string() })
  .openapi('Dispute');

const tags = ['actions'];
const routes = {
  open: securedRoute('actions:write', {
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
  get: securedRoute('alerts:read', {
    method: 'get',
    path: '/disputes/{id}',
    tags,
    request: { params: IdParams },
    responses: { 200: json(DisputeSchema, 'A dispute'), ...errorResponses },
  }),
  submit: securedRoute('actions:write', {
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
  outcome: securedRoute('actions:write', {
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

/** Issuer-side disputes: opened here or by the contact agent (one command), then moved by their workflow. */
export function disputeRoutes(deps: { db: Db; temporal: Client; taskQueuePrefix: string }) {
  const { db } = deps;
  const requireDispute = async (orgId: string, id: string) => {
    const d = await disputes.getDispute(db, orgId, id);
    if (!d) throw notFound('dispute');
    return d;
  };
  const view = ({ org_id: _org, ...d }: disputes.DisputeRow) => ({
    ...d,
    workflow_id: disputeWorkflowId(d.id),
  });

  return newRouter()
    .openapi(routes.open, async (c) => {
      const p = c.get('principal');
      const body = c.req.valid('json');
      const { row, created, starts } = await openDispute(db, p.orgId, {
        transactionId: body.transaction_id,
        reason: body.dispute_reason,
        evidence: body.evidence,
        actor: principalActor(p),
      });
      await dispatchStarts(deps.temporal, db, starts, { prefix: deps.taskQueuePrefix, log: c.get('log') });
      return c.json(view(row), created ? 201 : 200);
    })
    .openapi(routes.get, async (c) => {
      return c.json(view(await requireDispute(c.get('principal').orgId, c.req.valid('param').id)), 200);
    })
    .openapi(routes.submit, async (c) => {
      const p = c.get('principal');
      const d = await requireDispute(p.orgId, c.req.valid('param').id);
      if (d.status !== 'unsubmitted')
        throw new ApiError(409, 'conflict', `The dispute is already ${d.status}`);
      const { evidence } = c.req.valid('json');
      await signalDispute(deps.temporal, d.id, {
        name: 'submit',
        input: { evidence, actor: actorString(principalActor(p)) },
      });
      return c.json(view(d), 202);
    })
    .openapi(routes.outcome, async (c) => {
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
      await signalDispute(deps.temporal, d.id, {
        name: 'outcome',
        input: { result, actor: actorString(principalActor(p)) },
      });
      return c.json(view(d), 202);
    });
}
