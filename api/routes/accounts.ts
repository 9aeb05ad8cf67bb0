import { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { setAccountBalance } from '../../commands/triage/set-account-balance.js';
import * as customers from '../../db/customers/customers.js';
import type { Db } from '../../db/pool.js';
import * as accounts from '../../db/triage/accounts.js';
import { dispatchStarts } from '../../temporal/clients/pending-starts.js';
import { auditRequest } from '../audit.js';
import { notFound } from '../errors.js';
import { errorResponses, IdParams, json, jsonBody, newRouter, securedRoute } from '../router.js';
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
  const requireCustomer = async (orgId: string, id: string) => {
    const c = await customers.getCustomer(db, orgId, id);
    if (!c) throw notFound('customer');
    return c;
  };
  return newRouter()
    .openapi(routes.createAccount, async (c) => {
      const p = c.get('principal');
      const customer = await requireCustomer(p.orgId, c.req.valid('param').id);
      const row = await accounts.insertAccount(db, p.orgId, {
        customer_id: customer.id,
        ...c.req.valid('json'),
      });
      await auditRequest(db, c, { action: 'account.created', resourceType: 'account', resourceId: row.id });
      return c.json(accountView(row), 201);
    })
    .openapi(routes.setBalance, async (c) => {
      const p = c.get('principal');
      const id = c.req.valid('param').id;
      const set = await setAccountBalance(db, p.orgId, id, c.req.valid('json').balance, {
        type: p.actorType,
        id: p.actorId,
      });
      if (!set) throw notFound('account');
      await dispatchStarts(deps.temporal, db, set.starts, {
        prefix: deps.taskQueuePrefix,
        log: c.get('log') ?? deps.log,
      });
      await auditRequest(db, c, {
        action: 'account.balance_set',
        resourceType: 'account',
        resourceId: id,
        before: { balance: set.before.balance },
        after: { balance: set.account.balance },
      });
      return c.json(accountView(set.account), 200);
    })
    .openapi(routes.getAccount, async (c) => {
      const row = await accounts.getAccount(db, c.get('principal').orgId, c.req.valid('param').id);
      if (!row) throw notFound('account');
      return c.json(accountView(row), 200);
    });
}
