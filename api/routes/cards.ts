import { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { freezeCard } from '../../commands/triage/freeze-card.js';
import { unfreezeCard } from '../../commands/triage/unfreeze-card.js';
import { registerCard } from '../../commands/triage/register-card.js';
import * as cards from '../../db/triage/cards.js';
import { maskCard } from '../../lib/masking.js';
import type { Db } from '../../db/pool.js';
import { cardFreezeWorkflowId } from '../../workflows/triage/ids.js';
import { MAX_FREEZE_HOURS } from '../../workflows/triage/messages.js';
import { commandActor, principalActor } from '../audit.js';
import { notFound } from '../errors.js';
import { commandKey, idempotent } from '../idempotency.js';
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
import { getCustomer } from '../../db/customers/customers.js';
import { includeTotalQuery, pageQuerySchema, toPage, withTotal } from '../../lib/pagination.js';
import { Text } from '../schemas.js';

const CardStateSchema = z.object({
  card_id: z.string().uuid(),
  status: z.enum(['active', 'frozen', 'closed']),
  frozen_reason: z.string().nullable(),
  frozen_until: z.string().nullable(),
  workflow_id: z.string(),
});
type CardState = z.infer<typeof CardStateSchema>;

const CardSchema = cards.cardRow
  .omit({ org_id: true })
  .extend({ masked_number: z.string().openapi({ example: '****4242' }) })
  .openapi('Card');

const thisYear = new Date().getUTCFullYear();
const CreateCard = z
  .object({
    card_number: z
      .string()
      .regex(/^(?:\d[ -]?){12,18}\d$/, 'must be 13–19 digits, spaces or dashes between them allowed')
      .transform((s) => s.replace(/[ -]/g, '')),
    expiry_month: z.number().int().min(1).max(12),
    expiry_year: z
      .number()
      .int()
      .min(thisYear - 1)
      .max(thisYear + 20),
    card_type: z.enum(['debit', 'credit', 'prepaid']),
    account_id: z.string().uuid().nullable().optional(),
  })
  .strict();

export const cardView = ({ org_id: _org, ...c }: cards.CardRow) => ({
  ...c,
  masked_number: maskCard(c.last4),
});

const tags = ['actions'];
const routes = {
  createCard: securedRoute('customers:write', {
    method: 'post',
    path: '/customers/{id}/cards',
    tags: ['customers'],
    summary: 'Add a card: the full number is accepted once, hashed, and never stored or returned',
    request: { params: IdParams, body: jsonBody(CreateCard) },
    responses: { 201: json(CardSchema, 'Created'), ...conflictResponses, ...errorResponses },
  }),
  listOfCustomer: securedRoute('customers:read', {
    method: 'get',
    path: '/customers/{id}/cards',
    tags: ['customers'],
    summary: "A customer's cards, newest first (masked numbers)",
    request: { params: IdParams, query: pageQuerySchema.extend(includeTotalQuery) },
    responses: { 200: json(pageWithTotalSchema(CardSchema), 'Cards'), ...errorResponses },
  }),
  getCard: securedRoute('customers:read', {
    method: 'get',
    path: '/cards/{id}',
    tags: ['customers'],
    request: { params: IdParams },
    responses: { 200: json(CardSchema, 'A card'), ...errorResponses },
  }),

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
            reason: Text(200),
            temporary: z.boolean().default(true),
            duration_hours: z.number().positive().max(MAX_FREEZE_HOURS).optional(),
          })
          .strict()
          .refine((b) => b.temporary || b.duration_hours === undefined, {
            message: 'duration_hours applies to temporary freezes only',
            path: ['duration_hours'],
          })
          .openapi({
            not: { required: ['temporary', 'duration_hours'], properties: { temporary: { const: false } } },
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
      body: jsonBody(z.object({ card_id: z.string().uuid(), reason: Text(200) }).strict()),
    },
    responses: { 202: json(CardStateSchema, 'Unfreeze requested'), ...conflictResponses, ...errorResponses },
  }),
};

/** Cards: registered (the number hashed, never kept), frozen through each card's freeze workflow, unfrozen. */
export function cardRoutes(deps: { db: Db; temporal: Client; taskQueuePrefix: string; cardHashKey: string }) {
  const { db } = deps;
  const view = (c: { id: string } & Omit<CardState, 'card_id' | 'workflow_id'>): CardState => ({
    card_id: c.id,
    status: c.status,
    frozen_reason: c.frozen_reason,
    frozen_until: c.frozen_until,
    workflow_id: cardFreezeWorkflowId(c.id),
  });

  return newRouter()
    .openapi(routes.createCard, async (c) => {
      const p = c.get('principal');
      const body = c.req.valid('json');
      const row = await registerCard(
        db,
        deps.cardHashKey,
        p.orgId,
        { ...body, customer_id: c.req.valid('param').id },
        commandActor(c),
      );
      return c.json(cardView(row), 201);
    })
    .openapi(routes.listOfCustomer, async (c) => {
      const orgId = c.get('principal').orgId;
      const id = c.req.valid('param').id;
      if (!(await getCustomer(db, orgId, id))) throw notFound('customer');
      const q = c.req.valid('query');
      const page = toPage(await cards.listCustomerCards(db, orgId, id, q), q.limit);
      return c.json(
        await withTotal({ ...page, data: page.data.map(cardView) }, q, () =>
          cards.countCustomerCards(db, orgId, id),
        ),
        200,
      );
    })
    .openapi(routes.getCard, async (c) => {
      const row = await cards.getCard(db, c.get('principal').orgId, c.req.valid('param').id);
      if (!row) throw notFound('card');
      return c.json(cardView(row), 200);
    })
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
