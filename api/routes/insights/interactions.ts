import { z } from '@hono/zod-openapi';
import { ingestInteractions, type IngestItemResult } from '../../../commands/insights/ingest-interactions.js';
import * as interactions from '../../../db/insights/interactions.js';
import type { Db } from '../../../db/pool.js';
import type { SentimentModel } from '../../../lib/insights/sentiment.js';
import { pageQuerySchema, toPage } from '../../../lib/pagination.js';
import { CHANNELS } from '../../../workflows/insights/patterns.js';
import { auditRequest } from '../../audit.js';
import { issuePath, unprocessable } from '../../errors.js';
import { checkOneOrBatch, errorResponses, json, newRouter, pageSchema, securedRoute } from '../../router.js';
import { Chars, IsoDateTime, Text } from '../../schemas.js';

export const MAX_INTERACTION_BATCH = 1000;
/** Channels whose interactions are text, so content is required (it is scored wherever it is given). */
export const TEXT_CHANNELS = ['email', 'chat'] as const;

const Channel = z.enum(CHANNELS);
const Sentiment = z.enum(['positive', 'negative', 'neutral']);

const InteractionInput = z
  .object({
    customer_id: z.string().uuid().optional(),
    customer_external_id: Text(255)
      .optional()
      .openapi({ description: 'The customer by your id; created when the organisation has none' }),
    external_id: Text(255)
      .optional()
      .openapi({ description: 'Your id of the interaction: a repeat returns the first one stored' }),
    timestamp: IsoDateTime,
    channel: Channel,
    event_type: Text(100).openapi({ example: 'support_message' }),
    content: Chars(10_000).nullable().optional(),
    metadata: z
      .record(z.unknown())
      .refine((m) => JSON.stringify(m).length <= 16_384, 'must be at most 16 KiB as JSON')
      .optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.customer_id === !v.customer_external_id)
      ctx.addIssue({
        code: 'custom',
        path: ['customer_id'],
        message: 'give customer_id or customer_external_id',
      });
    if ((TEXT_CHANNELS as readonly string[]).includes(v.channel) && !v.content?.trim())
      ctx.addIssue({ code: 'custom', path: ['content'], message: `must not be empty for ${v.channel}` });
  })
  .openapi('InteractionInput', {
    // What the refinements above require, in the document's terms.
    allOf: [
      { oneOf: [{ required: ['customer_id'] }, { required: ['customer_external_id'] }] },
      {
        anyOf: [
          { properties: { channel: { not: { enum: [...TEXT_CHANNELS] } } } },
          { required: ['content'], properties: { content: { type: 'string', pattern: '[^\\s\\uFEFF]' } } },
        ],
      },
    ],
    description: `Exactly one of customer_id and customer_external_id; content is required for ${TEXT_CHANNELS.join(' and ')}. A timestamp more than 5 minutes ahead of the server's clock is a 422.`,
  });
type Input = z.infer<typeof InteractionInput>;

const Batch = z
  .object({
    interactions: z
      .array(
        z
          .record(z.unknown())
          .openapi({ description: 'An InteractionInput; an invalid one is reported, not stored' }),
      )
      .min(1)
      .max(MAX_INTERACTION_BATCH),
  })
  .strict();

const InteractionSchema = interactions.interactionRow.omit({ org_id: true }).openapi('Interaction');
const view = ({ org_id: _org, ...r }: interactions.InteractionRow) => r;
const Issue = z.object({ path: z.string(), message: z.string(), code: z.string() });

const tags = ['insights'];
const routes = {
  ingest: securedRoute('insights:write', {
    method: 'post',
    path: '/interactions',
    tags,
    summary: `Store one interaction, or { "interactions": [...] } (at most ${MAX_INTERACTION_BATCH}); idempotent by external_id`,
    description:
      'Scored for sentiment (VADER) and counted on the customer in the same database transaction: ' +
      'the response carries the sentiment. A batch stores its valid items and reports the others ' +
      '(`errors`, by index, with field paths).',
    request: {
      body: {
        required: true,
        content: { 'application/json': { schema: z.union([InteractionInput, Batch]) } },
      },
    },
    responses: {
      200: json(
        z.union([
          InteractionSchema,
          z.object({
            successful: z.number(),
            failed: z.number(),
            // A union, not .nullable(): the generator writes a nullable reference as allOf [ref, null].
            data: z.array(z.union([InteractionSchema, z.null()])),
            errors: z.array(z.object({ index: z.number(), issues: z.array(Issue) })),
          }),
        ]),
        'Already stored (single), or the batch result',
      ),
      201: json(InteractionSchema, 'Stored'),
      ...errorResponses,
    },
  }),
  list: securedRoute('insights:read', {
    method: 'get',
    path: '/interactions',
    tags,
    request: {
      query: pageQuerySchema.extend({
        customer_id: z.string().uuid().optional(),
        channel: Channel.optional(),
        sentiment: Sentiment.optional(),
        from: IsoDateTime.optional(),
        to: IsoDateTime.optional(),
        q: Text(200)
          .optional()
          .openapi({ description: 'Full text over content, web-search syntax ("card declined" -refund)' }),
      }),
    },
    responses: { 200: json(pageSchema(InteractionSchema), 'Newest first'), ...errorResponses },
  }),
};

const toCommand = (i: Input) => ({
  customer_id: i.customer_id,
  customer_external_id: i.customer_external_id,
  external_id: i.external_id,
  occurred_at: i.timestamp,
  channel: i.channel,
  event_type: i.event_type,
  content: i.content ?? null,
  metadata: i.metadata,
});

/** Customer interactions: ingest (one or a batch) and search. */
export function interactionRoutes(deps: { db: Db; sentiment: SentimentModel }) {
  const { db } = deps;
  return newRouter()
    .openapi(
      routes.ingest,
      async (c) => {
        const orgId = c.get('principal').orgId;
        const body = c.req.valid('json');
        if (!('interactions' in body)) {
          const [r] = await ingestInteractions(db, deps.sentiment, orgId, [toCommand(body)]);
          if (r!.status === 'failed')
            throw unprocessable(
              [{ path: `body.${r!.error.field}`, message: r!.error.message, code: r!.error.code }],
              'The interaction cannot be stored',
            );
          if (r!.status === 'created')
            await auditRequest(db, c, {
              action: 'interactions.ingested',
              resourceType: 'interaction',
              resourceId: r!.interaction.id,
            });
          return c.json(view(r!.interaction), r!.status === 'created' ? 201 : 200);
        }
        // Each item on its own: the valid ones are stored, the others reported by index.
        const errors: { index: number; issues: z.infer<typeof Issue>[] }[] = [];
        const valid: { index: number; input: Input }[] = [];
        body.interactions.forEach((raw, index) => {
          const parsed = InteractionInput.safeParse(raw);
          if (parsed.success) valid.push({ index, input: parsed.data });
          else
            errors.push({
              index,
              issues: parsed.error.issues.map((i) => ({
                path: issuePath(`body.interactions[${index}]`, i.path),
                message: i.message,
                code: i.code,
              })),
            });
        });
        const results = await ingestInteractions(
          db,
          deps.sentiment,
          orgId,
          valid.map((v) => toCommand(v.input)),
        );
        const data = new Array<z.infer<typeof InteractionSchema> | null>(body.interactions.length).fill(null);
        results.forEach((r: IngestItemResult, k) => {
          const index = valid[k]!.index;
          if (r.status === 'failed')
            errors.push({
              index,
              issues: [
                {
                  path: `body.interactions[${index}].${r.error.field}`,
                  message: r.error.message,
                  code: r.error.code,
                },
              ],
            });
          else data[index] = view(r.interaction);
        });
        errors.sort((a, b) => a.index - b.index);
        const created = results.filter((r) => r.status === 'created').length;
        if (created)
          await auditRequest(db, c, {
            action: 'interactions.ingested',
            resourceType: 'interaction',
            resourceId: null,
            after: { created, failed: errors.length },
          });
        return c.json(
          { successful: body.interactions.length - errors.length, failed: errors.length, data, errors },
          200,
        );
      },
      (result): undefined => checkOneOrBatch(result, 'interactions', Batch, InteractionInput),
    )
    .openapi(routes.list, async (c) => {
      const q = c.req.valid('query');
      const rows = await interactions.listInteractions(db, c.get('principal').orgId, q);
      const page = toPage(rows, q.limit);
      return c.json({ ...page, data: page.data.map(view) }, 200);
    });
}
