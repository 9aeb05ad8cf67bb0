import { z } from '@hono/zod-openapi';
import { MAX_FREEZE_HOURS } from '../workflows/triage/messages.js';
import { Chars, Text } from './schemas.js';

/**
 * What each workflow accepts by signal, for operators signalling through the admin API: the
 * arguments are checked here before they reach a handler (workflow code cannot use zod). A
 * signal that carries an actor gets the caller's, never one from the body. Keep in step with
 * the `defineSignal` declarations in workflows/<context>/messages.ts.
 */
const actor = Chars(200).optional();
const none = z.tuple([]);
export const WORKFLOW_SIGNALS: Record<string, Record<string, { args: z.ZodTypeAny; actor: boolean }>> = {
  cardFreeze: {
    unfreeze: {
      args: z.tuple([z.object({ reason: Text(500), actor, hold: Chars(200).optional() }).strict()]),
      actor: true,
    },
    extend: {
      args: z.tuple([z.object({ hours: z.number().int().min(1).max(MAX_FREEZE_HOURS), actor }).strict()]),
      actor: true,
    },
  },
  disputeLifecycle: {
    submit: {
      args: z.tuple([z.object({ evidence: z.array(z.unknown()).max(50), actor }).strict()]),
      actor: true,
    },
    outcome: { args: z.tuple([z.object({ result: z.enum(['won', 'lost']), actor }).strict()]), actor: true },
  },
  customerContact: {
    customerReply: {
      args: z.tuple([
        z.object({ answer: z.enum(['yes', 'no']), via: z.literal('agent').default('agent') }).strict(),
      ]),
      actor: false,
    },
  },
  deliverNotification: {
    providerStatus: {
      args: z.tuple([
        z
          .object({
            deliveryId: z.string().uuid(),
            status: z.enum(['delivered', 'bounced', 'failed', 'spam_report']),
            errorCode: Chars(100).nullable().optional(),
            reason: Chars(500).nullable().optional(),
          })
          .strict(),
      ]),
      actor: false,
    },
  },
  billReminder: {
    billUpdated: { args: none, actor: false },
    billPaid: { args: none, actor: false },
    cancel: { args: none, actor: false },
  },
};
