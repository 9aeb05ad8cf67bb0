import { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { createBond } from '../../../commands/bail/create-bond.js';
import { reinstateBond } from '../../../commands/bail/reinstate-bond.js';
import { transitionBond } from '../../../commands/bail/transition-bond.js';
import { listAppearances } from '../../../db/bail/appearances.js';
import * as bonds from '../../../db/bail/bonds.js';
import { listCollateral } from '../../../db/bail/collateral.js';
import { listPayments, paidTotal } from '../../../db/bail/payments.js';
import type { Db } from '../../../db/pool.js';
import type { FieldCipher } from '../../../lib/field-encryption.js';
import { pageQuerySchema, toPage } from '../../../lib/pagination.js';
import { phoneNumber } from '../../../lib/phone.js';
import { dispatchStarts } from '../../../temporal/clients/pending-starts.js';
import { BOND_STATUSES } from '../../../workflows/bail/bond-status.js';
import { courtRemindersWorkflowId } from '../../../workflows/bail/ids.js';
import { auditPiiViewed, commandActor } from '../../audit.js';
import { maskEmail, maskPhone } from '../../../lib/masking.js';
import { allows } from '../../../lib/roles.js';
import { idempotent } from '../../idempotency.js';
import { notFound } from '../../errors.js';
import {
  conflictResponses,
  errorResponses,
  IdempotencyHeaders,
  IdParams,
  json,
  jsonBody,
  newRouter,
  pageSchema,
  securedRoute,
} from '../../router.js';
import { Currency, Email, IsoDateTime, Money, NonNegativeMoney, PositiveMoney, Text } from '../../schemas.js';
import { AppearanceInput, AppearanceSchema } from './appearances.js';
import { CollateralSchema } from './collateral.js';
import { documentRow, listDocuments } from '../../../db/bail/documents.js';
import { listPaymentPlans, paymentPlanRow } from '../../../db/bail/payment-plans.js';
import { PaymentSchema } from './payments.js';
import { UNPROCESSABLE } from '../../../lib/domain-errors.js';

const Status = z.enum(BOND_STATUSES);
const Charge = z
  .object({
    code: z.string().trim().max(50).nullable().optional(),
    description: Text(500),
    severity: z.enum(['felony', 'misdemeanor', 'infraction']).nullable().optional(),
  })
  .strict();
const Indemnitor = z
  .object({
    first_name: Text(100),
    last_name: Text(100),
    email: Email().nullable().optional(),
    phone: phoneNumber.nullable().optional(),
    relationship: Text(100),
    liability_amount: Money.nullable().optional(),
  })
  .strict();
const CreateBond = z
  .object({
    bond_number: z
      .string()
      .trim()
      .regex(/^[\w.-]{1,50}$/, 'must be 1–50 letters, digits, dots, dashes or underscores'),
    client_id: z.string().uuid(),
    amount: PositiveMoney,
    premium: NonNegativeMoney,
    currency: Currency.default('USD'),
    case_number: z.string().trim().max(100).nullable().optional(),
    court_name: z.string().trim().max(200).nullable().optional(),
    power_of_attorney_number: z.string().trim().max(100).nullable().optional(),
    charges: z.array(Charge).max(50).default([]),
    terms: z.record(z.unknown()).optional(),
    forfeiture_grace_days: z
      .number()
      .int()
      .min(1)
      .max(365)
      .nullable()
      .optional()
      .openapi({ description: "Days from a failure to appear to forfeiture; default the agency's (90)" }),
    indemnitors: z.array(Indemnitor).max(10).default([]),
    appearances: z.array(AppearanceInput).max(20).default([]),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (Number(b.premium) > Number(b.amount))
      ctx.addIssue({
        code: 'custom',
        path: ['premium'],
        message: 'must not exceed the bond amount',
        params: UNPROCESSABLE,
      });
  })
  .openapi('NewBond');

const IndemnitorSchema = bonds.indemnitorRow.omit({ bond_id: true });
const BondSchema = bonds.bondRow.omit({ org_id: true }).extend({ workflow_id: z.string() }).openapi('Bond');
const BondDetail = BondSchema.extend({
  paid: z.string(),
  indemnitors: z.array(IndemnitorSchema),
  appearances: z.array(AppearanceSchema),
  collateral: z.array(CollateralSchema),
  payments: z.array(PaymentSchema),
  documents: z.array(documentRow),
  payment_plans: z.array(paymentPlanRow),
}).openapi('BondDetail');

export const bondView = ({ org_id: _org, ...b }: bonds.BondRow) => ({
  ...b,
  workflow_id: courtRemindersWorkflowId(b.id),
});

const tags = ['bail'];
const routes = {
  create: securedRoute('bail:write', {
    method: 'post',
    path: '/bail/bonds',
    tags,
    summary: 'Write a bond with its charges, indemnitors and court dates',
    description: 'Court dates start their reminders at once (workflow `bond-court-<bondId>`).',
    request: { headers: IdempotencyHeaders, body: jsonBody(CreateBond) },
    responses: { 201: json(BondSchema, 'Written (pending)'), ...conflictResponses, ...errorResponses },
  }),
  list: securedRoute('bail:read', {
    method: 'get',
    path: '/bail/bonds',
    tags,
    request: {
      query: pageQuerySchema.extend({
        status: Status.optional(),
        client_id: z.string().uuid().optional(),
        court_from: IsoDateTime.optional().openapi({ description: 'With a scheduled court date from…' }),
        court_to: IsoDateTime.optional().openapi({ description: '…up to (exclusive)' }),
      }),
    },
    responses: { 200: json(pageSchema(BondSchema), 'Bonds, newest first'), ...errorResponses },
  }),
  get: securedRoute('bail:read', {
    method: 'get',
    path: '/bail/bonds/{id}',
    tags,
    request: { params: IdParams },
    responses: {
      200: json(BondDetail, 'A bond with its court dates, collateral, payments, plans and documents'),
      ...errorResponses,
    },
  }),
  transition: securedRoute('bail:write', {
    method: 'post',
    path: '/bail/bonds/{id}/transition',
    tags,
    summary: 'Post (active), exonerate (completed), forfeit or cancel a bond',
    description:
      'pending → active | cancelled; active → completed | forfeited | cancelled. Posting needs the required documents signed and the premium paid (422 names what is missing).',
    request: {
      params: IdParams,
      body: jsonBody(
        z
          .object({
            status: z.enum(['active', 'completed', 'forfeited', 'cancelled']),
            reason: z.string().trim().max(500).optional(),
          })
          .strict(),
      ),
    },
    responses: { 200: json(BondSchema, 'Moved'), ...conflictResponses, ...errorResponses },
  }),
  reinstate: securedRoute('bail:write', {
    method: 'post',
    path: '/bail/bonds/{id}/reinstate',
    tags,
    summary: 'Set aside a failure to appear (surrender, court reinstatement): the forfeiture stops',
    request: {
      params: IdParams,
      body: jsonBody(z.object({ reason: Text(500) }).strict()),
    },
    responses: { 200: json(BondSchema, 'Reinstated'), ...conflictResponses, ...errorResponses },
  }),
};

export function bondRoutes(deps: { db: Db; cipher: FieldCipher; temporal: Client; taskQueuePrefix: string }) {
  const { db } = deps;
  return newRouter()
    .openapi(routes.create, async (c) => {
      const p = c.get('principal');
      const body = c.req.valid('json');
      const r = await idempotent(db, c, { action: 'bail.bond' }, body, async () => {
        const { bond, starts } = await createBond(db, deps.cipher, p.orgId, body, commandActor(c));
        await dispatchStarts(deps.temporal, db, starts, { prefix: deps.taskQueuePrefix, log: c.get('log') });
        return { status: 201, body: bondView(bond) };
      });
      return c.json(r.body as z.infer<typeof BondSchema>, 201);
    })
    .openapi(routes.list, async (c) => {
      const q = c.req.valid('query');
      const page = toPage(await bonds.listBonds(db, c.get('principal').orgId, q), q.limit);
      return c.json({ ...page, data: page.data.map(bondView) }, 200);
    })
    .openapi(routes.get, async (c) => {
      const principal = c.get('principal');
      const orgId = principal.orgId;
      const id = c.req.valid('param').id;
      const bond = await bonds.getBond(db, orgId, id);
      if (!bond) throw notFound('bond');
      const [indemnitors, appearances, collateral, payments, paid, documents, plans] = await Promise.all([
        bonds.listIndemnitors(db, orgId, id),
        listAppearances(db, orgId, id),
        listCollateral(db, orgId, id),
        listPayments(db, orgId, id),
        paidTotal(db, orgId, id),
        listDocuments(db, orgId, id),
        listPaymentPlans(db, orgId, id),
      ]);
      // The indemnitors' and signers' contact details are personal data, as a customer's are:
      // masked without pii:read, and shown whole only with a PII-viewed audit row.
      const open = allows(principal, 'pii:read');
      const signers = documents.some((d) => d.signer_email) ? [bond.client_id] : [];
      if (open)
        await auditPiiViewed(db, c, [...indemnitors.map((i) => i.customer_id), ...signers], {
          type: 'bond',
          id,
        });
      return c.json(
        {
          ...bondView(bond),
          paid,
          indemnitors: indemnitors.map(({ bond_id: _b, ...i }) =>
            open ? i : { ...i, email: maskEmail(i.email), phone: maskPhone(i.phone) },
          ),
          appearances: appearances.map(({ org_id: _o, ...a }) => a),
          collateral: [...collateral],
          payments: [...payments],
          documents: documents.map((d) => (open ? d : { ...d, signer_email: maskEmail(d.signer_email) })),
          payment_plans: [...plans],
        },
        200,
      );
    })
    .openapi(routes.transition, async (c) => {
      const p = c.get('principal');
      const body = c.req.valid('json');
      const r = await transitionBond(
        db,
        p.orgId,
        c.req.valid('param').id,
        body.status,
        commandActor(c),
        body.reason ?? null,
      );
      await dispatchStarts(deps.temporal, db, r.starts, { prefix: deps.taskQueuePrefix, log: c.get('log') });
      return c.json(bondView(r.bond), 200);
    })
    .openapi(routes.reinstate, async (c) => {
      const p = c.get('principal');
      const r = await reinstateBond(
        db,
        p.orgId,
        c.req.valid('param').id,
        c.req.valid('json').reason,
        commandActor(c),
      );
      await dispatchStarts(deps.temporal, db, r.starts, { prefix: deps.taskQueuePrefix, log: c.get('log') });
      return c.json(bondView(r.bond), 200);
    });
}
