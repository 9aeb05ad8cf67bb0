import { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { freezeCard } from '../../commands/triage/freeze-card.js';
import { unfreezeCard } from '../../commands/triage/unfreeze-card.js';
import * as cards from '../../db/triage/cards.js';
import type { Db } from '../../db/pool.js';
import { cardFreezeWorkflowId } from '../../workflows/triage/ids.js';
import { MAX_FREEZE_HOURS } from '../../workflows/triage/messages.js';
import { principalActor } from '../audit.js';
import { notFound } from '../errors.js';
import { commandKey, idempotent } from '../idempotency.js';
import {
  conflictResponses,
  errorResponses,
  IdempotencyHeaders,
  json,
  jsonBody,
  newRouter,
  securedRoute,
} from '../router.js';

const CardStateSchema = z.object({
  card_id: z.string().uuid(),
  status: z.enum(['active', 'frozen', 'closed']),
  frozen_reason: z.string().nullable(),
  frozen_until: z.string().nullable(),
  workflow_id: z.string(),
});
type CardState = z.infer<typeof CardStateSchema>;

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
};

/** Cards: freezes (through each card's freeze workflow) and unfreezes. */
export function cardRoutes(deps: { db: Db; temporal: Client; taskQueuePrefix: string }) {
  const { db } = deps;
  const view = (c: { id: string } & Omit<CardState, 'card_id' | 'workflow_id'>): CardState => ({
    card_id: c.id,
    status: c.status,
    frozen_reason: c.frozen_reason,
    frozen_until: c.frozen_until,
    workflow_id: cardFreezeWorkflowId(c.id),
  });

  return newRouter()
    .openapi(routes.freeze, async (c) => {
      const p = c.get('principal');
      const body = c.req.valid('json');
      const r = await idempotent(
        db,
        c,
        { action: 'card.freeze', resourceId: body.card_id },
        body,
        async (key) => {
          const state = await freezeCard(deps, p.orgId, {
            cardId: body.card_id,
            requestId: key,
            reason: body.reason,
            temporary: body.temporary,
            durationHours: body.duration_hours,
            actor: principalActor(p),
          });
          return { status: 200 as const, body: view({ ...state, id: state.cardId }) };
        },
      );
      return c.json(r.body as CardState, 200);
    })
    .openapi(routes.unfreeze, async (c) => {
      const p = c.get('principal');
      const body = c.req.valid('json');
      await unfreezeCard(deps, p.orgId, {
        cardId: body.card_id,
        reason: body.reason,
        actor: principalActor(p),
        key: commandKey(p.orgId, 'card.unfreeze', body.card_id),
      });
      const now = await cards.getCard(db, p.orgId, body.card_id);
      if (!now) throw notFound('card');
      return c.json(view(now), 202);
    });
}
