import { z } from '@hono/zod-openapi';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { sql } from 'slonik';
import * as transactions from '../../db/triage/transactions.js';
import type { Db } from '../../db/pool.js';
import { pageQuerySchema, toPage } from '../../lib/pagination.js';
import { CustomerId, Domain, OrgId } from '../../temporal/search-attributes.js';
import { startWorkflow } from '../../temporal/start.js';
import { taskQueue } from '../../temporal/task-queues.js';
import { evaluateTransactionId } from '../../temporal/workflow-ids.js';
import type { evaluateTransaction } from '../../workflows/triage/evaluate-transaction.js';
import { auditRequest } from '../audit.js';
import { ApiError, notFound, validationError } from '../errors.js';
import {
  conflictResponses,
  errorResponses,
  IdParams,
  json,
  newRouter,
  pageSchema,
  securedRoute,
} from '../router.js';
import { Currency, IsoDateTime, Money } from '../schemas.js';

export const MAX_BATCH = 1000;
const STATUS = z.enum(['pending', 'completed', 'failed', 'reversed']);
const CHANNEL = z.enum(['card_present', 'card_not_present', 'atm', 'transfer']);

const TransactionInput = z
  .object({
    external_id: z.string().trim().min(1).max(100),
    customer_id: z.string().uuid(),
    account_id: z.string().uuid().nullable().optional(),
    card_id: z.string().uuid().nullable().optional(),
    amount: Money.refine((v) => Number(v) !== 0, 'must not be zero'),
    currency: Currency.default('USD'),
    transaction_type: z.string().trim().min(1).max(50).openapi({ example: 'purchase' }),
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
        city: z.string().max(100).optional(),
        country: z.string().length(2).optional(),
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
      'Each new transaction is screened in real time by an `evaluateTransaction` workflow (`tx-eval-<id>`).',
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

export function transactionRoutes(deps: { db: Db; temporal: Client; taskQueuePrefix: string }) {
  const { db } = deps;

  /** Every customer, account and card an item names must be the organisation's and agree with each other. */
  async function checkReferences(orgId: string, items: Input[], path: (i: number) => string) {
    const ids = (pick: (t: Input) => string | null | undefined) => [
      ...new Set(items.map(pick).filter((v): v is string => Boolean(v))),
    ];
    const owners = async (table: 'accounts' | 'cards', list: string[]) =>
      new Map(
        (
          await db.any(sql.type(z.object({ id: z.string(), customer_id: z.string() }))`
            SELECT id, customer_id FROM ${sql.identifier([table])}
            WHERE org_id = ${orgId} AND id = ANY(${sql.array(list, 'uuid')})`)
        ).map((r) => [r.id, r.customer_id]),
      );
    const customersFound = new Set(
      await db.anyFirst(sql.type(z.object({ id: z.string() }))`
        SELECT id FROM customers WHERE org_id = ${orgId} AND id = ANY(${sql.array(
          ids((t) => t.customer_id),
          'uuid',
        )})`),
    );
    const accountOwner = await owners(
      'accounts',
      ids((t) => t.account_id),
    );
    const cardOwner = await owners(
      'cards',
      ids((t) => t.card_id),
    );
    const issues: { path: string; message: string; code: string }[] = [];
    items.forEach((t, i) => {
      if (!customersFound.has(t.customer_id)) {
        issues.push({ path: `${path(i)}.customer_id`, message: 'no such customer', code: 'not_found' });
      }
      if (t.account_id && accountOwner.get(t.account_id) !== t.customer_id) {
        issues.push({
          path: `${path(i)}.account_id`,
          message: 'not an account of this customer',
          code: 'not_found',
        });
      }
      if (t.card_id && cardOwner.get(t.card_id) !== t.customer_id) {
        issues.push({
          path: `${path(i)}.card_id`,
          message: 'not a card of this customer',
          code: 'not_found',
        });
      }
    });
    if (issues.length) {
      throw new ApiError(422, 'unprocessable', 'The transaction names records you do not have', { issues });
    }
  }

  /** Starts screening; a run that already exists (or ran) is left alone, so replays never screen twice. */
  async function startEvaluation(orgId: string, t: transactions.TransactionRow) {
    try {
      await startWorkflow<typeof evaluateTransaction>(deps.temporal, 'evaluateTransaction', {
        workflowId: evaluateTransactionId(t.id),
        taskQueue: taskQueue('triage', deps.taskQueuePrefix),
        args: [{ orgId, transactionId: t.id }],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: OrgId, value: orgId },
          { key: CustomerId, value: t.customer_id },
          { key: Domain, value: 'triage' },
        ],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }

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
            throw new ApiError(400, 'validation_failed', 'The request is not valid', {
              issues: [
                {
                  path: `body.transactions[${i}].external_id`,
                  message: 'repeated in this batch',
                  code: 'duplicate',
                },
              ],
            });
          }
          seen.add(t.external_id);
        });
        await checkReferences(p.orgId, items, (i) => (isBatch ? `body.transactions[${i}]` : 'body'));

        const results = await db.transaction(async (tx) => {
          const out = [];
          for (const t of items) out.push(await transactions.ingestTransaction(tx, p.orgId, t));
          return out;
        });
        // After commit: a failed start is healed by the client's retry (same external ids, same workflow ids).
        for (let i = 0; i < results.length; i += 20) {
          await Promise.all(results.slice(i, i + 20).map((r) => startEvaluation(p.orgId, r.row)));
        }
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
      // One schema or the other by shape, so errors name the field (body.transactions[3].amount), not "invalid union".
      (result): undefined => {
        if (result.success) return undefined;
        const raw = (result as { data?: unknown }).data;
        const isBatch = typeof raw === 'object' && raw !== null && 'transactions' in raw;
        const precise = (isBatch ? Batch : TransactionInput).safeParse(raw);
        throw validationError('body', precise.success ? result.error : precise.error);
      },
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
