import { z } from '@hono/zod-openapi';
import { createClient } from '../../../commands/bail/create-client.js';
import { updateClient } from '../../../commands/bail/update-client.js';
import * as bonds from '../../../db/bail/bonds.js';
import * as clients from '../../../db/bail/clients.js';
import * as customers from '../../../db/customers/customers.js';
import type { Db } from '../../../db/pool.js';
import type { FieldCipher } from '../../../lib/field-encryption.js';
import { maskAddress, maskEmail, maskPhone } from '../../../lib/masking.js';
import { pageQuerySchema, toPage } from '../../../lib/pagination.js';
import { phoneNumber } from '../../../lib/phone.js';
import { allows } from '../../../lib/roles.js';
import { auditPiiViewed, commandActor, piiViewed } from '../../audit.js';
import type { Principal } from '../../env.js';
import { notFound } from '../../errors.js';
import {
  conflictResponses,
  errorResponses,
  IdParams,
  json,
  jsonBody,
  newRouter,
  pageSchema,
  securedRoute,
} from '../../router.js';
import { Address, Email, IsoDate, Text, TimeZone } from '../../schemas.js';

const Status = z.enum(clients.CLIENT_STATUSES);
const Contact = z
  .object({
    name: Text(200),
    relationship: z.string().trim().max(100).optional(),
    phone: phoneNumber.optional(),
    email: Email().optional(),
  })
  .strict();
const Fields = {
  first_name: Text(100),
  last_name: Text(100),
  email: Email().nullable().optional(),
  phone: phoneNumber.openapi({ example: '+14155550101' }).nullable().optional(),
  date_of_birth: IsoDate.nullable().optional(),
  ssn: z
    .string()
    .regex(/^\d{3}-?\d{2}-?\d{4}$/, 'must be nine digits, as 123-45-6789')
    .nullable()
    .optional()
    .openapi({ description: 'Sealed at rest; answered as its last four digits only' }),
  address: Address.nullable().optional(),
  timezone: TimeZone.optional(),
  emergency_contact: Contact.nullable().optional(),
  status: Status.optional(),
};
const BondOfClient = bonds.bondRow.pick({
  id: true,
  bond_number: true,
  status: true,
  amount: true,
  premium: true,
  currency: true,
  case_number: true,
  court_name: true,
  created_at: true,
});

const CreateClient = z
  .object({ external_id: Text(100).optional(), ...Fields })
  .strict()
  .openapi('NewBailClient');
const PatchClient = z
  .object(Fields)
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'send at least one field to change')
  .openapi({ minProperties: 1 });

const ClientSchema = z
  .object({
    id: z.string().uuid(),
    external_id: z.string(),
    first_name: z.string(),
    last_name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    date_of_birth: z.string().nullable(),
    ssn_last4: z.string().nullable().openapi({ description: 'With pii:read; else hidden' }),
    address: z.record(z.unknown()).nullable(),
    emergency_contact: z.record(z.unknown()).nullable(),
    status: Status,
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('BailClient');

const ClientDetailSchema = ClientSchema.extend({ bonds: z.array(BondOfClient) }).openapi('BailClientDetail');

/** A client as this principal may see them; the SSN is never answered whole. */
export function clientView(
  person: customers.CustomerRow,
  profile: clients.BailClientRow,
  principal: Principal,
  cipher: FieldCipher,
): z.infer<typeof ClientSchema> {
  const open = allows(principal, 'pii:read');
  const pii = open ? customers.revealPii(cipher, person) : null;
  const digits = pii?.national_id?.replace(/\D/g, '') ?? null;
  return {
    id: person.id,
    external_id: person.external_id,
    first_name: person.first_name,
    last_name: person.last_name,
    email: open ? person.email : maskEmail(person.email),
    phone: open ? person.phone : maskPhone(person.phone),
    date_of_birth: open ? pii!.date_of_birth : person.date_of_birth_enc ? '****-**-**' : null,
    ssn_last4: digits ? digits.slice(-4) : null,
    address: open ? person.address : maskAddress(person.address),
    emergency_contact: open ? profile.emergency_contact : profile.emergency_contact ? { name: '***' } : null,
    status: profile.status,
    created_at: profile.created_at,
    updated_at: profile.updated_at,
  };
}

const toCustomerFields = <T extends { ssn?: string | null | undefined }>({ ssn, ...rest }: T) => ({
  ...rest,
  ...(ssn !== undefined && { national_id: ssn === null ? null : ssn.replace(/\D/g, '') }),
});

const tags = ['bail'];
const routes = {
  create: securedRoute('bail:write', {
    method: 'post',
    path: '/bail/clients',
    tags,
    summary: 'Register a defendant as a client',
    request: { body: jsonBody(CreateClient) },
    responses: { 201: json(ClientSchema, 'Created'), ...conflictResponses, ...errorResponses },
  }),
  list: securedRoute('bail:read', {
    method: 'get',
    path: '/bail/clients',
    tags,
    summary: 'Clients, newest first; search by name or email',
    request: {
      query: pageQuerySchema.extend({
        search: Text(100).optional(),
        status: Status.optional(),
      }),
    },
    responses: { 200: json(pageSchema(ClientSchema), 'Clients'), ...errorResponses },
  }),
  get: securedRoute('bail:read', {
    method: 'get',
    path: '/bail/clients/{id}',
    tags,
    request: { params: IdParams },
    responses: { 200: json(ClientDetailSchema, 'A client, with their bonds'), ...errorResponses },
  }),
  patch: securedRoute('bail:write', {
    method: 'patch',
    path: '/bail/clients/{id}',
    tags,
    request: { params: IdParams, body: jsonBody(PatchClient) },
    responses: { 200: json(ClientSchema, 'Updated'), ...errorResponses },
  }),
};

export function bailClientRoutes(deps: { db: Db; cipher: FieldCipher }) {
  const { db, cipher } = deps;
  return newRouter()
    .openapi(routes.create, async (c) => {
      const p = c.get('principal');
      const r = await createClient(
        db,
        cipher,
        p.orgId,
        toCustomerFields(c.req.valid('json')),
        commandActor(c),
      );
      return c.json(clientView(r.customer, r.client, p, cipher), 201);
    })
    .openapi(routes.list, async (c) => {
      const p = c.get('principal');
      const q = c.req.valid('query');
      const rows = await clients.listBailClients(db, p.orgId, { ...q, searchEmail: allows(p, 'pii:read') });
      const page = toPage(rows, q.limit, (r) => [r.created_at, r.customer_id]);
      const people = new Map(
        (
          await customers.getCustomers(
            db,
            p.orgId,
            page.data.map((r) => r.customer_id),
          )
        ).map((x) => [x.id, x]),
      );
      await auditPiiViewed(db, c, [...people.keys()]);
      return c.json(
        { ...page, data: page.data.map((r) => clientView(people.get(r.customer_id)!, r, p, cipher)) },
        200,
      );
    })
    .openapi(routes.get, async (c) => {
      const p = c.get('principal');
      const id = c.req.valid('param').id;
      const profile = await clients.getBailClient(db, p.orgId, id);
      // The person read and its PII-viewed audit row are one statement (db/platform/audit.ts).
      const person =
        profile &&
        (await customers.getCustomer(db, p.orgId, id, piiViewed(c, [id], { type: 'customer', id })));
      if (!profile || !person) throw notFound('client');
      // The client's bonds, newest first (a client with more pages them by GET /bail/bonds?client_id=).
      const theirs = await bonds.listBonds(db, p.orgId, { limit: 100, client_id: id });
      return c.json(
        { ...clientView(person, profile, p, cipher), bonds: theirs.map((b) => BondOfClient.parse(b)) },
        200,
      );
    })
    .openapi(routes.patch, async (c) => {
      const p = c.get('principal');
      const id = c.req.valid('param').id;
      const r = await updateClient(
        db,
        cipher,
        p.orgId,
        id,
        toCustomerFields(c.req.valid('json')),
        commandActor(c),
      );
      return c.json(clientView(r.customer, r.client, p, cipher), 200);
    });
}
