import { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { IngestReferenceError, ingestTransactions } from '../../commands/triage/ingest-transactions.js';
import * as transactions from '../../db/triage/transactions.js';
import type { Db } from '../../db/pool.js';
import { pageQuerySchema, toPage } from '../../lib/pagination.js';
import { dispatchStarts, AFTER_COMMIT_DEADLINE_MS } from '../../temporal/clients/pending-starts.js';
import { signalTriageEvidence } from '../../temporal/clients/triage.js';
import { DEFAULT_THRESHOLDS, type ScreeningThresholds } from '../../workflows/triage/screening.js';
import { GROUPING_WINDOW_HOURS } from '../../workflows/triage/alert-grouping.js';
import { auditRequest } from '../audit.js';
import { notFound, unprocessable } from '../errors.js';
import {
  checkOneOrBatch,
  conflictResponses,
  errorResponses,
  IdParams,
  json,
  newRouter,
  pageSchema,
  securedRoute,
} from '../router.js';
import { Chars, Country, Currency, IsoDateTime, Money, NonZeroMoney, Text } from '../schemas.js';

export const MAX_BATCH = 1000;
const STATUS = z.enum(['pending', 'completed', 'failed', 'reversed']);
const CHANNEL = z.enum(['card_present', 'card_not_present', 'atm', 'transfer']);

const TransactionInput = z
  .object({
    external_id: Text(100),
    customer_id: z.string().uuid(),
    account_id: z.string().uuid().nullable().optional(),
    card_id: z.string().uuid().nullable().optional(),
    amount: NonZeroMoney,
    currency: Currency.default('USD'),
    transaction_type: Text(50).openapi({ example: 'purchase' }),
    merchant_name: z.string().trim().max(200).nullable().optional(),
    merchant_category: z
      .string()
      .regex(/^[a-z0-9_]{1,50}$/, 'must be a lowercase category such as "groceries"')
      .nullable()
      .optional(),
    channel: CHANNEL.default('card_present'),
    transaction_date: IsoDateTime,
    settlement_date: IsoDateTime.nullable().optional(),
    status: STATUS.default('pending'),
    location: z
      .object({
        lat: z.number().min(-90).max(90),
        lon: z.number().min(-180).max(180),
        city: Chars(100).optional(),
        country: Country.optional(),
      })
      .strict()
      .nullable()
      .optional(),
    metadata: z
      .record(z.unknown())
      .refine((m) => JSON.stringify(m).length <= 4096, 'must be at most 4 KiB as JSON')
      .optional(),
  })
  .strict()
  .openapi('TransactionInput');
const Batch = z.object({ transactions: z.array(TransactionInput).min(1).max(MAX_BATCH) }).strict();

const TransactionSchema = transactions.transactionRow.omit({ org_id: true }).openapi('Transaction');

const view = ({ org_id: _org, ...t }: transactions.TransactionRow) => t;

const tags = ['transactions'];
const routes = {
  ingest: securedRoute('transactions:write', {
    method: 'post',
    path: '/transactions',
    tags,
    summary: `Ingest one transaction, or { "transactions": [...] } (at most ${MAX_BATCH}); idempotent by external_id`,
    description:
      'Screened in the same database transaction as the insert: each transaction comes back with its ' +
      '`risk_score`, `risk_level` and `alert_id`, and an alert it raised is readable when this answers. ' +
      `A suspicious transaction of a customer with an open alert raised in the last ${GROUPING_WINDOW_HOURS} h ` +
      "joins that alert (a burst is one alert). The balance of the account (or the card's account) moves, " +
      "and the customer's real-time alert rules are evaluated. High and critical alerts start their " +
      'triage (`triage-alert-<alertId>`) after the commit. A repeated external_id returns the first result.',
    request: {
      body: {
        required: true,
        content: { 'application/json': { schema: z.union([TransactionInput, Batch]) } },
      },
    },
    responses: {
      200: json(
        z.union([
          TransactionSchema,
          z.object({
            data: z.array(TransactionSchema),
            summary: z.object({ received: z.number(), created: z.number(), duplicates: z.number() }),
          }),
        ]),
        'Already ingested (single) or the batch result',
      ),
      201: json(TransactionSchema, 'Created'),
      ...conflictResponses,
      ...errorResponses,
    },
  }),
  list: securedRoute('transactions:read', {
    method: 'get',
    path: '/transactions',
    tags,
    request: {
      query: pageQuerySchema.extend({
        customer_id: z.string().uuid().optional(),
        alert_id: z.string().uuid().optional().openapi({ description: 'The transactions an alert grouped' }),
        start_date: IsoDateTime.optional(),
        end_date: IsoDateTime.optional(),
        min_amount: Money.optional(),
        max_amount: Money.optional(),
        status: STATUS.optional(),
        risk_level: z.enum(['low', 'medium', 'high']).optional(),
      }),
    },
    responses: {
      200: json(pageSchema(TransactionSchema), 'Newest first by transaction_date'),
      ...errorResponses,
    },
  }),
  get: securedRoute('transactions:read', {
    method: 'get',
    path: '/transactions/{id}',
    tags,
    request: { params: IdParams },
    responses: { 200: json(TransactionSchema, 'A transaction'), ...errorResponses },
  }),
};

type Input = z.infer<typeof TransactionInput>;

export function transactionRoutes(deps: {
  db: Db;
  temporal: Client;
  taskQueuePrefix: string;
  thresholds?: Partial<ScreeningThresholds> | undefined;
  log: Logger;
}) {
  const { db } = deps;
  const thresholds = { ...DEFAULT_THRESHOLDS, ...deps.thresholds };

  return newRouter()
    .openapi(
      routes.ingest,
      async (c) => {
        const p = c.get('principal');
        const body = c.req.valid('json');
        const isBatch = 'transactions' in body;
        const items: Input[] = isBatch ? body.transactions : [body];
        const seen = new Set<string>();
        items.forEach((t, i) => {
          if (seen.has(t.external_id)) {
            throw unprocessable(
              [
                {
                  path: `body.transactions[${i}].external_id`,
                  message: 'repeated in this batch',
                  code: 'duplicate',
                },
              ],
              'The batch names a transaction twice',
            );
          }
          seen.add(t.external_id);
        });
        const path = (i: number) => (isBatch ? `body.transactions[${i}]` : 'body');
        let ingested;
        try {
          ingested = await ingestTransactions(db, p.orgId, items, {
            thresholds,
            actor: { type: p.actorType, id: p.actorId },
          });
        } catch (err) {
          if (!(err instanceof IngestReferenceError)) throw err;
          throw unprocessable(
            err.issues.map((i) => ({
              path: `${path(i.index)}.${i.field}`,
              message: i.message,
              code: i.code,
            })),
            err.message,
          );
        }
        const { results } = ingested;
        // After the commit: owed starts are made now, or by the start-pending sweeper.
        const log = c.get('log') ?? deps.log;
        await dispatchStarts(deps.temporal, db, ingested.starts, { prefix: deps.taskQueuePrefix, log });
        await Promise.all(
          ingested.evidence.map((e) =>
            signalTriageEvidence(deps.temporal, e.alertId, e.evidence, {
              deadlineMs: AFTER_COMMIT_DEADLINE_MS,
            }).catch((err: unknown) =>
              log.warn({ err, alertId: e.alertId }, 'triage not told of new evidence'),
            ),
          ),
        );
        const created = results.filter((r) => r.created).length;
        if (created) {
          await auditRequest(db, c, {
            action: 'transactions.ingested',
            resourceType: 'transaction',
            resourceId: results.length === 1 ? results[0]!.row.id : null,
            after: { created, duplicates: results.length - created },
          });
        }
        if (!isBatch) return c.json(view(results[0]!.row), results[0]!.created ? 201 : 200);
        return c.json(
          {
            data: results.map((r) => view(r.row)),
            summary: { received: results.length, created, duplicates: results.length - created },
          },
          200,
        );
      },
      (result): undefined => checkOneOrBatch(result, 'transactions', Batch, TransactionInput),
    )
    .openapi(routes.list, async (c) => {
      const q = c.req.valid('query');
      const rows = await transactions.listTransactions(db, c.get('principal').orgId, q);
      const page = toPage(rows, q.limit, (r) => [r.transaction_date, r.id]);
      return c.json({ ...page, data: page.data.map(view) }, 200);
    })
    .openapi(routes.get, async (c) => {
      const row = await transactions.getTransaction(db, c.get('principal').orgId, c.req.valid('param').id);
      if (!row) throw notFound('transaction');
      return c.json(view(row), 200);
    });
}
