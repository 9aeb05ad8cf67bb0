import { createRoute, z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { verifyTwilioRequest } from '../../activities/notify/providers/twilio.js';
import { contactCustomer } from '../../commands/notify/contact-customer.js';
import * as contacts from '../../db/notify/contacts.js';
import type { Db } from '../../db/pool.js';
import { verifyAnswerToken } from '../../lib/answer-links.js';
import { toE164 } from '../../lib/phone.js';
import { render } from '../../lib/templates.js';
import { claimInboundSms, organizationBySmsNumber } from '../../db/platform/organizations.js';
import { CONTACT_TEMPLATES } from '../../workflows/notify/contact-templates.js';
import { parseAnswer } from '../../workflows/notify/sms-answers.js';
import { sendCustomerReply } from '../../temporal/clients/notify.js';
import { dispatchStarts } from '../../temporal/clients/pending-starts.js';
import { contactWorkflowId } from '../../workflows/notify/ids.js';
import type { CustomerReply } from '../../workflows/notify/messages.js';
import { auditRequest, commandActor } from '../audit.js';
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
import { Chars } from '../schemas.js';

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

const TokenParams = z.object({
  token: z
    .string()
    .max(200)
    .openapi({ param: { name: 'token', in: 'path' } }),
});
const html = (description: string) => ({
  description,
  content: { 'text/html': { schema: z.string() } },
});

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
            variables: z.record(z.union([Chars(500), z.number()])).default({}),
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
  answerPage: createRoute({
    method: 'get',
    path: '/contact/{token}',
    tags: ['actions'],
    summary:
      "The page behind a customer's answer link: shows the answer and a button that POSTs it (no login)",
    description: 'Changes nothing, so mail scanners that fetch links cannot answer for the customer.',
    request: { params: TokenParams },
    responses: {
      200: html('The confirmation page'),
      404: html('The link is not ours'),
      410: html('The link expired, was used, or the contact is over'),
    },
  }),
  answerLink: createRoute({
    method: 'post',
    path: '/contact/{token}',
    tags: ['actions'],
    summary: "Records the answer a customer's link carries, once (no login: the signed token is the proof)",
    request: { params: TokenParams },
    responses: {
      200: html('Recorded'),
      404: html('The link is not ours'),
      410: html('The link expired, was used, or the contact is over'),
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
    return sendCustomerReply(deps.temporal, c.id, r); // false: the contact is over
  };

  return newRouter()
    .openapi(routes.contact, async (c) => {
      const p = c.get('principal');
      const body = c.req.valid('json');
      const { row, starts } = await contactCustomer(
        db,
        p.orgId,
        {
          customer_id: body.customer_id,
          case_id: body.case_id,
          template: body.template,
          variables: body.variables,
          channels: FALLBACK[body.communication_type]!,
          expect_reply: body.expect_reply,
          reply_timeout_seconds: Math.round(body.reply_timeout_hours * 3600),
        },
        commandActor(c),
      );
      await dispatchStarts(deps.temporal, db, starts, { prefix: deps.taskQueuePrefix, log: c.get('log') });
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
    .openapi(routes.answerPage, async (c) => {
      // Open and read-only: mail scanners fetch every link, so a GET only shows the button.
      const link = await openLink(c.req.valid('param').token);
      if (!link.ok) return c.html(page(link.title, link.text), link.status);
      const confirm = link.answer === 'yes' ? 'Yes, it was me' : 'No, it was not me';
      return c.html(
        page(
          link.title,
          'Please confirm your answer.',
          `<form method="post"><button type="submit">${escapeHtml(confirm)}</button></form>`,
        ),
        200,
      );
    })
    .openapi(routes.answerLink, async (c) => {
      const link = await openLink(c.req.valid('param').token);
      if (!link.ok) return c.html(page(link.title, link.text), link.status);
      // The first use claims the link (and its pair): a replay, or the other answer, records nothing.
      const claimed = await contacts.claimAnswerLink(db, link.contact.id);
      let recorded = false;
      try {
        recorded = claimed !== null && (await reply(claimed, { answer: link.answer, via: 'link' }));
      } catch (err) {
        // Temporal could not take it: the customer may try the link again.
        await contacts.releaseAnswerLink(db, link.contact.id);
        throw err;
      }
      if (!recorded) return c.html(page(link.title, GONE), 410);
      return c.html(page(link.title, 'Thank you, your answer has been recorded.'), 200);
    });

  /** The contact a link names, if the link is ours, unexpired and the contact still waits for it. */
  async function openLink(token: string) {
    const link = verifyAnswerToken(deps.linkKey, token);
    if (!link) return { ok: false as const, status: 404 as const, title: 'Link not found', text: NOT_FOUND };
    const contact = await contacts.getContactById(db, link.contactId);
    if (!contact)
      return { ok: false as const, status: 404 as const, title: 'Link not found', text: NOT_FOUND };
    const source = CONTACT_TEMPLATES[contact.template]?.title ?? 'Your answer';
    const title = render('in_app', { subject: null, body: source }, contact.variables).text;
    if (
      link.expiresAt.getTime() <= Date.now() ||
      contact.status !== 'awaiting_reply' ||
      contact.link_used_at
    ) {
      return { ok: false as const, status: 410 as const, title, text: GONE };
    }
    return { ok: true as const, contact, answer: link.answer, title };
  }
}

const NOT_FOUND = 'This link is not valid.';
const GONE = 'This link has expired or has already been used. If you still need to tell us, please call us.';

/** A small page with no script: a title, a sentence and, on the confirmation page, the button. */
function page(title: string, text: string, form = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}button{font-size:1.1rem;padding:.6rem 1.2rem}</style>
</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${form}</body></html>`;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * Inbound SMS (Twilio): a YES/NO from a customer we are waiting on, routed by the receiving
 * number (`To`) to its organisation. Signed like every Twilio webhook.
 */
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
    if (!verifyTwilioRequest(deps.twilioAuthToken, c.req.header('x-twilio-signature'), url, params)) {
      throw new ApiError(401, 'invalid_signature', 'The webhook signature is not valid');
    }
    // The number it was sent to names the organisation; the sender is looked up only inside it.
    const to = toE164(params.To ?? '');
    const from = toE164(params.From ?? '');
    const orgId = to ? await organizationBySmsNumber(deps.db, to) : null;
    // Once per message: a retried or replayed webhook (its signature has no timestamp) acts once.
    const sid = /^[\x21-\x7e]{1,64}$/.test(params.MessageSid ?? '') ? params.MessageSid! : null;
    const fresh = orgId && sid ? await claimInboundSms(deps.db, orgId, sid) : false;
    const answer = fresh ? parseAnswer(params.Body ?? '') : null;
    const contact = orgId && from && answer ? await contacts.findAwaitingByPhone(deps.db, orgId, from) : null;
    if (answer && contact) {
      await sendCustomerReply(deps.temporal, contact.id, { answer, via: 'sms' });
    }
    // Replies that match no waiting contact of that organisation are dropped.
    // An empty TwiML response: no automatic reply.
    return c.body('<Response/>', 200, { 'content-type': 'text/xml' });
  });
}
