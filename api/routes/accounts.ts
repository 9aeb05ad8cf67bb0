import { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { setAccountBalance } from '../../commands/triage/set-account-balance.js';
import { openAccount } from '../../commands/triage/open-account.js';
import type { Db } from '../../db/pool.js';
import * as accounts from '../../db/triage/accounts.js';
import { dispatchStarts } from '../../temporal/clients/pending-starts.js';
import { commandActor } from '../audit.js';
import { notFound } from '../errors.js';
import {
  errorResponses,
  IdParams,
  json,
  jsonBody,
  newRouter,
  pageWithTotalSchema,
  securedRoute,
} from '../router.js';
import { getCustomer } from '../../db/customers/customers.js';
import { includeTotalQuery, pageQuerySchema, toPage, withTotal } from '../../lib/pagination.js';
import { Currency, Money } from '../schemas.js';

const AccountSchema = accounts.accountRow.omit({ org_id: true }).openapi('Account');

const accountView = ({ org_id: _org, ...a }: accounts.AccountRow) => a;

const tags = ['customers'];
const routes = {
  createAccount: securedRoute('customers:write', {
    method: 'post',
    path: '/customers/{id}/accounts',
    tags,
    request: {
      params: IdParams,
      body: jsonBody(
        z
          .object({
            account_type: z.enum(['checking', 'savings', 'credit']),
            currency: Currency.default('USD'),
            balance: Money.default('0.00'),
          })
          .strict(),
      ),
    },
    responses: { 201: json(AccountSchema, 'Created'), ...errorResponses },
  }),
  setBalance: securedRoute('transactions:write', {
    method: 'patch',
    path: '/accounts/{id}',
    tags,
    summary: "Set an account's balance from the system of record (a core-banking sync)",
    description:
      'Posted transactions move balances on their own; this sets the balance the bank of record reports. ' +
      "The account's `account_threshold` rules are evaluated on the new balance at once.",
    request: {
      params: IdParams,
      body: jsonBody(z.object({ balance: Money }).strict()),
    },
    responses: { 200: json(AccountSchema, 'The account with its new balance'), ...errorResponses },
  }),
  listOfCustomer: securedRoute('customers:read', {
    method: 'get',
    path: '/customers/{id}/accounts',
    tags,
    summary: "A customer's accounts with their balances, newest first",
    request: { params: IdParams, query: pageQuerySchema.extend(includeTotalQuery) },
    responses: { 200: json(pageWithTotalSchema(AccountSchema), 'Accounts'), ...errorResponses },
  }),
  getAccount: securedRoute('customers:read', {
    method: 'get',
    path: '/accounts/{id}',
    tags,
    request: { params: IdParams },
    responses: { 200: json(AccountSchema, 'An account'), ...errorResponses },
  }),
};

/** A customer's accounts, and their balances as the bank of record reports them. */
export function accountRoutes(deps: { db: Db; temporal: Client; taskQueuePrefix: string; log: Logger }) {
  const { db } = deps;
  return newRouter()
    .openapi(routes.createAccount, async (c) => {
      const p = c.get('principal');
      const row = await openAccount(
        db,
        p.orgId,
        { customer_id: c.req.valid('param').id, ...c.req.valid('json') },
        commandActor(c),
      );
      return c.json(accountView(row), 201);
    })
    .openapi(routes.setBalance, async (c) => {
      const p = c.get('principal');
      const id = c.req.valid('param').id;
      const set = await setAccountBalance(db, p.orgId, id, c.req.valid('json').balance, commandActor(c));
      if (!set) throw notFound('account');
      await dispatchStarts(deps.temporal, db, set.starts, {
        prefix: deps.taskQueuePrefix,
        log: c.get('log') ?? deps.log,
      });
      return c.json(accountView(set.account), 200);
    })
    .openapi(routes.listOfCustomer, async (c) => {
      const orgId = c.get('principal').orgId;
      const id = c.req.valid('param').id;
      if (!(await getCustomer(db, orgId, id))) throw notFound('customer');
      const q = c.req.valid('query');
      const page = toPage(await accounts.listCustomerAccounts(db, orgId, id, q), q.limit);
      return c.json(
        await withTotal({ ...page, data: page.data.map(accountView) }, q, () =>
          accounts.countCustomerAccounts(db, orgId, id),
        ),
        200,
      );
    })
    .openapi(routes.getAccount, async (c) => {
      const row = await accounts.getAccount(db, c.get('principal').orgId, c.req.valid('param').id);
      if (!row) throw notFound('account');
      return c.json(accountView(row), 200);
    });
}
