import { z } from '@hono/zod-openapi';
import { activateTemplate } from '../../commands/notify/activate-template.js';
import { createTemplateVersion } from '../../commands/notify/create-template-version.js';
import * as templates from '../../db/notify/templates.js';
import { getOrganization } from '../../db/platform/organizations.js';
import {
  actionLink,
  builtInTemplate,
  DEFAULT_LOCALE,
  DEFAULT_TEMPLATES,
  KIND_TEMPLATES,
  render,
  sampleFor,
  SMS_MAX,
  templateError,
  TemplateBudgetExceeded,
  type Template,
} from '../../lib/templates.js';
import type { Db } from '../../db/pool.js';
import { CHANNELS } from '../../workflows/notify/channels.js';
import { commandActor } from '../audit.js';
import { notFound } from '../errors.js';
import { UnprocessableFieldError } from '../../lib/domain-errors.js';
import { errorResponses, IdParams, json, jsonBody, newRouter, securedRoute } from '../router.js';
import { Chars, Locale } from '../schemas.js';
import type { Channel } from '../../workflows/notify/channels.js';

const Kind = z.string().regex(/^[a-z0-9_]{1,50}$/, 'must be a lowercase kind such as "bill_reminder"');

const compiles = (v: string | null | undefined, ctx: z.RefinementCtx) => {
  const error = v ? templateError(v) : null;
  if (error) ctx.addIssue({ code: 'custom', path: [], message: `template does not compile: ${error}` });
};
const Subject = Chars(200).nullable().optional().superRefine(compiles);
const Body = z.string().min(1).max(20_000).superRefine(compiles);

/** What a preview renders with: the kind's sample data, each field given here replacing the sample's. */
const PreviewData = z
  .object({
    title: Chars(200),
    message: Chars(5000),
    metadata: z
      .record(z.unknown())
      .refine((m) => JSON.stringify(m).length <= 4096, 'must be at most 4 KiB as JSON'),
    customer: z
      .object({ first_name: Chars(100), last_name: Chars(100) })
      .partial()
      .strict(),
  })
  .partial()
  .strict();
const PreviewSchema = z
  .object({
    kind: z.string(),
    channel: z.enum(CHANNELS),
    locale: z.string(),
    subject: z.string().nullable(),
    html: z.string().nullable(),
    text: z.string(),
    /** The text's length before an SMS is cut to 160 characters. */
    characters: z.number().int(),
    truncated: z.boolean(),
  })
  .openapi('TemplatePreview');

const TemplateSchema = templates.templateRow.omit({ org_id: true }).openapi('NotificationTemplate');
const templateView = ({ org_id: _org, ...t }: templates.TemplateRow) => t;

const routes = {
  listTemplates: securedRoute('notifications:read', {
    method: 'get',
    path: '/notification-templates',
    tags: ['templates'],
    summary: 'Your organisation’s template versions (built-in defaults apply where none is active)',
    request: {
      query: z.object({
        kind: Kind.optional(),
        channel: z.enum(CHANNELS).optional(),
        locale: Locale.optional(),
      }),
    },
    responses: {
      200: json(
        z.object({
          data: z.array(TemplateSchema),
          defaults: z.object({
            generic: z.record(z.unknown()),
            by_kind: z.record(z.record(z.unknown())),
          }),
        }),
        'Templates, and the built-in ones: per kind for the rules’ notifications, generic for the rest',
      ),
      ...errorResponses,
    },
  }),
  createTemplate: securedRoute('templates:manage', {
    method: 'post',
    path: '/notification-templates',
    tags: ['templates'],
    summary: 'Create a new version (inactive until activated); Handlebars, HTML-escaped in email',
    request: {
      body: jsonBody(
        z
          .object({
            kind: Kind,
            channel: z.enum(CHANNELS),
            locale: Locale.nullable().optional().openapi({
              description: 'For customers of this locale (or language); none: the default for all',
            }),
            subject: Subject,
            body: Body,
          })
          .strict(),
      ),
    },
    responses: { 201: json(TemplateSchema, 'Created'), ...errorResponses },
  }),
  activateTemplate: securedRoute('templates:manage', {
    method: 'post',
    path: '/notification-templates/{id}/activate',
    tags: ['templates'],
    request: { params: IdParams },
    responses: { 200: json(TemplateSchema, 'Now in use'), ...errorResponses },
  }),
  // Rendering runs a template's loops: only those who may write templates may run them.
  previewTemplate: securedRoute('templates:manage', {
    method: 'post',
    path: '/notification-templates/{id}/preview',
    tags: ['templates'],
    summary: 'Render a template version against its kind’s sample data, or the data given; nothing is sent',
    request: {
      params: IdParams,
      body: jsonBody(z.object({ data: PreviewData.optional(), locale: Locale.optional() }).strict()),
    },
    responses: { 200: json(PreviewSchema, 'Rendered'), ...errorResponses },
  }),
  previewDraft: securedRoute('templates:manage', {
    method: 'post',
    path: '/notification-templates/preview',
    tags: ['templates'],
    summary:
      'Render a draft (or, without a body, the built-in template of a kind and channel); nothing is stored',
    request: {
      body: jsonBody(
        z
          .object({
            kind: Kind,
            channel: z.enum(CHANNELS),
            subject: Subject,
            body: Body.optional(),
            data: PreviewData.optional(),
            locale: Locale.optional(),
          })
          .strict(),
      ),
    },
    responses: { 200: json(PreviewSchema, 'Rendered'), ...errorResponses },
  }),
};

/** A template rendered as a customer would receive it, with sample data where none is given. */
function preview(
  kind: string,
  channel: Channel,
  template: Template | null,
  o: {
    data?: z.infer<typeof PreviewData> | undefined;
    locale?: string | null | undefined;
    org: string;
    draft: boolean;
  },
) {
  const sample = sampleFor(kind);
  const metadata = o.data?.metadata ?? sample.metadata;
  const locale = o.locale ?? DEFAULT_LOCALE;
  const vars = {
    title: o.data?.title ?? sample.title,
    message: o.data?.message ?? sample.message,
    metadata,
    customer: { first_name: 'Alex', last_name: 'Morgan', ...o.data?.customer },
    org: { name: o.org },
    locale,
    timestamp: new Date().toISOString(),
    ...actionLink('https://app.example.com', metadata),
    answer_links: null,
  };
  const t = template ?? builtInTemplate(kind, channel, metadata);
  let whole, out;
  try {
    whole = render(channel === 'sms' ? 'in_app' : channel, t, vars, { draft: o.draft });
    out = render(channel, t, vars, { draft: o.draft });
  } catch (err) {
    if (err instanceof TemplateBudgetExceeded)
      throw new UnprocessableFieldError(
        o.draft ? 'body.body' : 'body.data',
        err.message,
        'template_too_expensive',
      );
    throw err;
  }
  return {
    kind,
    channel,
    locale,
    subject: out.subject,
    html: out.html,
    text: out.text,
    characters: whole.text.length,
    truncated: channel === 'sms' && whole.text.length > SMS_MAX,
  };
}

/** Notification templates: versions per kind and channel, one active. */
export function notificationTemplateRoutes(deps: { db: Db }) {
  const { db } = deps;
  return newRouter()
    .openapi(routes.listTemplates, async (c) => {
      const rows = await templates.listTemplates(db, c.get('principal').orgId, c.req.valid('query'));
      return c.json(
        { data: rows.map(templateView), defaults: { generic: DEFAULT_TEMPLATES, by_kind: KIND_TEMPLATES } },
        200,
      );
    })
    .openapi(routes.createTemplate, async (c) => {
      const body = c.req.valid('json');
      const row = await createTemplateVersion(
        db,
        c.get('principal').orgId,
        { ...body, subject: body.subject ?? null, locale: body.locale ?? null },
        commandActor(c),
      );
      return c.json(templateView(row), 201);
    })
    .openapi(routes.activateTemplate, async (c) => {
      const row = await activateTemplate(
        db,
        c.get('principal').orgId,
        c.req.valid('param').id,
        commandActor(c),
      );
      if (!row) throw notFound('template');
      return c.json(templateView(row), 200);
    })
    .openapi(routes.previewTemplate, async (c) => {
      const orgId = c.get('principal').orgId;
      const t = await templates.getTemplate(db, orgId, c.req.valid('param').id);
      if (!t) throw notFound('template');
      const body = c.req.valid('json');
      const { name } = await getOrganization(db, orgId);
      return c.json(
        preview(t.kind, t.channel, t, { ...body, locale: body.locale ?? t.locale, org: name, draft: false }),
        200,
      );
    })
    .openapi(routes.previewDraft, async (c) => {
      const body = c.req.valid('json');
      const { name } = await getOrganization(db, c.get('principal').orgId);
      const draft = body.body ? { subject: body.subject ?? null, body: body.body } : null;
      return c.json(preview(body.kind, body.channel, draft, { ...body, org: name, draft: true }), 200);
    });
}
