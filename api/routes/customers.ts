import { z } from '@hono/zod-openapi';
import { phoneNumber } from '../../lib/phone.js';
import * as customers from '../../db/customers/customers.js';
import type { Db } from '../../db/pool.js';
import type { FieldCipher } from '../../lib/field-encryption.js';
import { maskAddress, maskEmail, maskPhone } from '../../lib/masking.js';
import { pageQuerySchema, toPage } from '../../lib/pagination.js';
import { allows } from '../../lib/roles.js';
import { createCustomer } from '../../commands/customers/create-customer.js';
import { updateCustomer } from '../../commands/customers/update-customer.js';
import { auditPiiViewed, commandActor, piiViewed } from '../audit.js';
import type { Principal } from '../env.js';
import { notFound } from '../errors.js';
import {
  conflictResponses,
  errorResponses,
  IdParams,
  json,
  jsonBody,
  newRouter,
  pageSchema,
  securedRoute,
} from '../router.js';
import { Address, Chars, Email, IsoDate, Text, TimeZone } from '../schemas.js';

const KYC = z.enum(['pending', 'verified', 'rejected', 'expired']);
const RISK = z.enum(['low', 'medium', 'high']);

const CustomerSchema = customers.customerRow
  .omit({ org_id: true, date_of_birth_enc: true, national_id_enc: true, legacy_date_of_birth: true })
  .extend({
    address: z
      .record(z.unknown())
      .nullable()
      .openapi({ description: 'Whole for roles with pii:read, else the country only' }),
    date_of_birth: z
      .string()
      .nullable()
      .openapi({ description: 'Whole for roles with pii:read, else ****-**-**' }),
    national_id: z
      .string()
      .nullable()
      .openapi({ description: 'Whole for roles with pii:read, else hidden (*********)' }),
  })
  .openapi('Customer');

const CustomerFields = {
  first_name: Text(100),
  last_name: Text(100),
  email: Email().nullable().optional(),
  phone: phoneNumber
    .openapi({ example: '+14155550101', description: 'International format; stored as E.164' })
    .nullable()
    .optional(),
  date_of_birth: IsoDate.nullable().optional(),
  /** Passport, SSN or other national number; sealed at rest (AES-256-GCM). */
  national_id: z
    .string()
    .trim()
    // Begins and ends with a letter or digit, so trimming never changes whether it matches.
    .regex(/^[A-Za-z0-9][A-Za-z0-9 -]{2,30}[A-Za-z0-9]$/, 'must be 4–32 letters, digits, spaces or dashes')
    .nullable()
    .optional(),
  address: Address.nullable().optional(),
  kyc_status: KYC.optional(),
  risk_profile: RISK.optional(),
  segment: Chars(50).nullable().optional(),
  timezone: TimeZone.optional(),
};
const CreateCustomer = z.object({ external_id: Text(100), ...CustomerFields }).strict();
const PatchCustomer = z
  .object(CustomerFields)
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'send at least one field to change')
  .openapi({ minProperties: 1 });

/** A customer as this principal may see them: sealed fields opened only for roles with pii:read. */
export const customerView = (row: customers.CustomerRow, principal: Principal, cipher: FieldCipher) => {
  const { org_id: _org, date_of_birth_enc, national_id_enc, legacy_date_of_birth, ...c } = row;
  if (allows(principal, 'pii:read')) return { ...c, ...customers.revealPii(cipher, row) };
  return {
    ...c,
    email: maskEmail(c.email),
    phone: maskPhone(c.phone),
    address: maskAddress(c.address),
    date_of_birth: date_of_birth_enc !== null || legacy_date_of_birth !== null ? '****-**-**' : null,
    national_id: national_id_enc !== null ? '*********' : null,
  };
};
const tags = ['customers'];
const routes = {
  create: securedRoute('customers:write', {
    method: 'post',
    path: '/customers',
    tags,
    request: { body: jsonBody(CreateCustomer) },
    responses: { 201: json(CustomerSchema, 'Created'), ...conflictResponses, ...errorResponses },
  }),
  list: securedRoute('customers:read', {
    method: 'get',
    path: '/customers',
    tags,
    summary: 'Search by name, external id or (with pii:read) email',
    request: { query: pageQuerySchema.extend({ search: Text(100).optional() }) },
    responses: { 200: json(pageSchema(CustomerSchema), 'Customers, newest first'), ...errorResponses },
  }),
  get: securedRoute('customers:read', {
    method: 'get',
    path: '/customers/{id}',
    tags,
    request: { params: IdParams },
    responses: { 200: json(CustomerSchema, 'A customer'), ...errorResponses },
  }),
  patch: securedRoute('customers:write', {
    method: 'patch',
    path: '/customers/{id}',
    tags,
    request: { params: IdParams, body: jsonBody(PatchCustomer) },
    responses: { 200: json(CustomerSchema, 'Updated'), ...errorResponses },
  }),
};

export function customerRoutes(deps: { db: Db; cipher: FieldCipher }) {
  const { db, cipher } = deps;
  return newRouter()
    .openapi(routes.create, async (c) => {
      const p = c.get('principal');
      const row = await createCustomer(db, cipher, p.orgId, c.req.valid('json'), commandActor(c));
      return c.json(customerView(row, p, cipher), 201);
    })
    .openapi(routes.list, async (c) => {
      const q = c.req.valid('query');
      const p = c.get('principal');
      // Without pii:read, search does not look at email: it must not confirm an address.
      const rows = await customers.listCustomers(db, p.orgId, { ...q, searchEmail: allows(p, 'pii:read') });
      const page = toPage(rows, q.limit);
      await auditPiiViewed(
        db,
        c,
        page.data.map((r) => r.id),
      );
      return c.json({ ...page, data: page.data.map((r) => customerView(r, p, cipher)) }, 200);
    })
    .openapi(routes.get, async (c) => {
      const p = c.get('principal');
      const id = c.req.valid('param').id;
      const row = await customers.getCustomer(db, p.orgId, id, piiViewed(c, [id], { type: 'customer', id }));
      if (!row) throw notFound('customer');
      return c.json(customerView(row, p, cipher), 200);
    })
    .openapi(routes.patch, async (c) => {
      const p = c.get('principal');
      const id = c.req.valid('param').id;
      const row = await updateCustomer(db, cipher, p.orgId, id, c.req.valid('json'), commandActor(c));
      if (!row) throw notFound('customer');
      return c.json(customerView(row, p, cipher), 200);
    });
}
