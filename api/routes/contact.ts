import { z } from '@hono/zod-openapi';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import twilio from 'twilio';
import * as contacts from '../../db/notify/contacts.js';
import type { Db } from '../../db/pool.js';
import { getCase } from '../../db/triage/cases.js';
import { getCustomer } from '../../db/triage/customers.js';
import { CONTACT_TEMPLATES, parseAnswer, verifyContactToken } from '../../lib/contact-templates.js';
import { queueStarts, type PendingStart } from '../../db/platform/workflow-starts.js';
import { dispatchStarts } from '../../temporal/clients/pending-starts.js';
import { contactWorkflowId } from '../../workflows/notify/ids.js';
import { customerReplySignal, type CustomerReply } from '../../workflows/notify/messages.js';
import { auditRequest } from '../audit.js';
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

export { contactWorkflowId };

/** The requested channel first, then the fallback the best systems use: SMS ↔ email; phone is a callback. */
const FALLBACK: Record<string, string[]> = {
  sms: ['sms', 'email'],
  email: ['email', 'sms'],
  phone: ['phone'],
};

const ContactSchema = contacts.contactRow
  .omit({ org_id: true, variables: true, updated_at: true })
  .extend({ workflow_id: z.string() })
  .openapi('CustomerContact');

const routes = {
  contact: securedRoute('actions:write', {
    method: 'post',
    path: '/actions/contact-customer',
    tags: ['actions'],
    summary:
      'Reach the customer and, optionally, wait for a YES/NO answer (then fall back to the next channel)',
    request: {
      body: jsonBody(
        z
          .object({
            customer_id: z.string().uuid(),
            communication_type: z.enum(['email', 'sms', 'phone']),
            template: z.enum(Object.keys(CONTACT_TEMPLATES) as [string, ...string[]]),
            variables: z.record(z.union([z.string().max(500), z.number()])).default({}),
            expect_reply: z.boolean().default(false),
            reply_timeout_hours: z
              .number()
              .positive()
              .max(24 * 14)
              .default(24),
            case_id: z.string().uuid().optional(),
          })
          .strict(),
      ),
    },
    responses: { 202: json(ContactSchema, 'Started'), ...errorResponses },
  }),
  answer: securedRoute('actions:write', {
    method: 'post',
    path: '/contacts/{id}/answer',
    tags: ['actions'],
    summary: 'Record the answer the customer gave a member of staff (e.g. on the phone)',
    request: { params: IdParams, body: jsonBody(z.object({ answer: z.enum(['yes', 'no']) }).strict()) },
    responses: {
      202: json(ContactSchema, 'Sent to the contact workflow'),
      ...conflictResponses,
      ...errorResponses,
    },
  }),
  get: securedRoute('customers:read', {
    method: 'get',
    path: '/contacts/{id}',
    tags: ['actions'],
    request: { params: IdParams },
    responses: { 200: json(ContactSchema, 'A contact and its answer'), ...errorResponses },
  }),
};

const view = ({ org_id: _org, variables: _v, updated_at: _u, ...c }: contacts.ContactRow) => ({
  ...c,
  workflow_id: contactWorkflowId(c.id),
});

export function contactRoutes(deps: {
  db: Db;
  temporal: Client;
  taskQueuePrefix: string;
  linkKey: string;
  twilioAuthToken?: string | undefined;
  publicUrl?: string | undefined;
}) {
  const { db } = deps;
  const reply = async (c: contacts.ContactRow, r: CustomerReply) => {
    try {
      await deps.temporal.workflow.getHandle(contactWorkflowId(c.id)).signal(customerReplySignal, r);
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false; // the contact is over
      throw err;
    }
  };

  return newRouter()
    .openapi(routes.contact, async (c) => {
      const p = c.get('principal');
      const body = c.req.valid('json');
      if (!(await getCustomer(db, p.orgId, body.customer_id))) throw notFound('customer');
      if (body.case_id && !(await getCase(db, p.orgId, body.case_id))) throw notFound('case');
      const { row, starts } = await db.transaction(async (t) => {
        const inserted = await contacts.insertContact(t, p.orgId, {
          customer_id: body.customer_id,
          case_id: body.case_id ?? null,
          template: body.template,
          variables: body.variables,
          channels: FALLBACK[body.communication_type]!,
          expect_reply: body.expect_reply,
          reply_timeout_seconds: Math.round(body.reply_timeout_hours * 3600),
        });
        // Started after the commit (the run reads the row), or by the sweeper if that start fails.
        const owed: PendingStart[] = [
          {
            workflow_id: contactWorkflowId(inserted.id),
            org_id: p.orgId,
            kind: 'contact',
            subject_id: inserted.id,
            customer_id: body.customer_id,
            priority: null,
          },
        ];
        await queueStarts(t, owed);
        return { row: inserted, starts: owed };
      });
      await dispatchStarts(deps.temporal, db, starts, { prefix: deps.taskQueuePrefix, log: c.get('log') });
      await auditRequest(db, c, {
        action: 'customer.contacted',
        resourceType: 'contact',
        resourceId: row.id,
      });
      return c.json(view(row), 202);
    })
    .openapi(routes.answer, async (c) => {
      const p = c.get('principal');
      const row = await contacts.getContact(db, p.orgId, c.req.valid('param').id);
      if (!row) throw notFound('contact');
      if (row.status !== 'awaiting_reply')
        throw new ApiError(409, 'conflict', `The contact is ${row.status}, not awaiting a reply`);
      if (!(await reply(row, { answer: c.req.valid('json').answer, via: 'agent' }))) {
        throw new ApiError(409, 'conflict', 'The contact has ended');
      }
      await auditRequest(db, c, { action: 'contact.answered', resourceType: 'contact', resourceId: row.id });
      return c.json(view(row), 202);
    })
    .openapi(routes.get, async (c) => {
      const row = await contacts.getContact(db, c.get('principal').orgId, c.req.valid('param').id);
      if (!row) throw notFound('contact');
      return c.json(view(row), 200);
    })
    .get('/contact/:token', async (c) => {
      // Open: the signed token is the proof. Unknown or forged tokens look the same: 404.
      const id = verifyContactToken(deps.linkKey, c.req.param('token'));
      const answer = c.req.query('answer');
      if (answer !== 'yes' && answer !== 'no') {
        throw new ApiError(400, 'validation_failed', 'answer must be yes or no', {
          issues: [{ path: 'query.answer', message: 'must be yes or no', code: 'invalid_enum_value' }],
        });
      }
      const contact = id ? await contacts.getContactById(db, id) : null;
      if (!contact) throw notFound('contact');
      const recorded = contact.status === 'awaiting_reply' && (await reply(contact, { answer, via: 'link' }));
      return c.json({ recorded, answer: recorded ? answer : contact.answer }, 200);
    });
}

/** Inbound SMS (Twilio): a YES/NO from a customer we are waiting on. Signed like every Twilio webhook. */
export function inboundSmsRoute(deps: {
  db: Db;
  temporal: Client;
  twilioAuthToken?: string | undefined;
  publicUrl?: string | undefined;
}) {
  return newRouter().post('/webhooks/twilio/inbound', async (c) => {
    if (!deps.twilioAuthToken) throw new ApiError(404, 'not_found', 'Twilio webhooks are not configured');
    const params = Object.fromEntries(new URLSearchParams(await c.req.text()));
    const url = deps.publicUrl ? `${deps.publicUrl.replace(/\/$/, '')}/webhooks/twilio/inbound` : c.req.url;
    const signature = c.req.header('x-twilio-signature');
    if (!signature || !twilio.validateRequest(deps.twilioAuthToken, signature, url, params)) {
      throw new ApiError(401, 'invalid_signature', 'The webhook signature is not valid');
    }
    const answer = parseAnswer(params.Body ?? '');
    const contact = answer
      ? await contacts.findAwaitingByPhone(deps.db, (params.From ?? '').replace(/\D/g, ''))
      : null;
    if (answer && contact) {
      try {
        await deps.temporal.workflow
          .getHandle(contactWorkflowId(contact.id))
          .signal(customerReplySignal, { answer, via: 'sms' });
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    }
    // An empty TwiML response: no automatic reply.
    return c.body('<Response/>', 200, { 'content-type': 'text/xml' });
  });
}
