import { allHandlersFinished, condition, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { acts } from './activity-options.js';
import {
  cardFreezeStateQuery,
  DEFAULT_FREEZE_HOURS,
  extendSignal,
  freezeUpdate,
  MAX_FREEZE_HOURS,
  unfreezeSignal,
  type CardFreezeState,
  type FreezeRequest,
  type UnfreezeRequest,
} from './messages.js';

const { applyFreeze, applyUnfreeze } = acts;

export type CardFreezeInput = { orgId: string; cardId: string };

/**
 * One card's freeze (`card-freeze-<cardId>`). Freeze requests arrive as updates (the first one
 * with the start); a temporary freeze lifts itself when its time is up. Signals `unfreeze` and
 * `extend` end or lengthen it. The run ends when the card is unfrozen; the next freeze starts a new run.
 */
export async function cardFreeze(input: CardFreezeInput): Promise<CardFreezeState> {
  let state: CardFreezeState = {
    cardId: input.cardId,
    status: 'active',
    frozen_reason: null,
    frozen_until: null,
  };
  let until: number | null = null; // epoch ms; null = until unfrozen
  let caseId: string | null = null;
  let version = 0; // bumps on every change, so the wait below restarts
  let unfreezeRequest: UnfreezeRequest | null = null;
  // Who holds the card frozen: freeze request ids. An unfreeze naming its hold lifts only that one.
  const holds = new Set<string>();

  setHandler(cardFreezeStateQuery, () => state);

  setHandler(
    freezeUpdate,
    async (req: FreezeRequest) => {
      const requested = req.temporary
        ? Date.now() + (req.durationHours ?? DEFAULT_FREEZE_HOURS) * 3600_000
        : null;
      // A permanent freeze outlasts any temporary one; two temporary freezes keep the later end.
      const next =
        state.status !== 'frozen'
          ? requested
          : until === null || requested === null
            ? null
            : Math.max(until, requested);
      caseId = req.caseId ?? caseId;
      state = await applyFreeze({
        orgId: input.orgId,
        cardId: input.cardId,
        reason: req.reason,
        until: next === null ? null : new Date(next).toISOString(),
        actor: req.actor,
        caseId,
        requestId: req.requestId,
      });
      if (state.status === 'frozen') {
        until = next;
        unfreezeRequest = null;
        holds.add(req.requestId);
      }
      version++;
      return state;
    },
    {
      validator: (req: FreezeRequest) => {
        if (!req.reason?.trim()) throw new Error('a reason is required');
        const hours = req.durationHours ?? DEFAULT_FREEZE_HOURS;
        if (req.temporary && !(hours > 0 && hours <= MAX_FREEZE_HOURS)) {
          throw new Error(`duration_hours must be between 0 and ${MAX_FREEZE_HOURS}`);
        }
      },
    },
  );

  setHandler(unfreezeSignal, (req) => {
    if (req.hold !== undefined && patched('freeze-holds')) {
      holds.delete(req.hold);
      // Another freeze (staff's, say) still holds the card: it stays frozen until that one ends.
      if (holds.size > 0) return;
    }
    unfreezeRequest = req;
    version++;
  });
  setHandler(extendSignal, ({ hours }) => {
    if (state.status === 'frozen' && until !== null && hours > 0) {
      until += hours * 3600_000;
      state = { ...state, frozen_until: new Date(until).toISOString() };
      version++;
    }
  });

  // Started by update-with-start: wait for the first freeze (or an unfreeze that arrived first).
  await condition(() => state.status !== 'active' || unfreezeRequest !== null);

  for (let round = 0; ; round++) {
    for (;;) {
      const seen = version;
      if (unfreezeRequest || state.status !== 'frozen') break;
      if (until === null) {
        await condition(() => version !== seen);
      } else if (until <= Date.now()) {
        unfreezeRequest = {
          reason: 'temporary freeze expired',
          actor: `workflow:${workflowInfo().workflowId}`,
        };
      } else {
        await condition(() => version !== seen, until - Date.now());
      }
    }
    if (state.status === 'frozen') {
      holds.clear();
      const req = unfreezeRequest ?? { reason: 'unfrozen', actor: `workflow:${workflowInfo().workflowId}` };
      state = (await applyUnfreeze({
        orgId: input.orgId,
        cardId: input.cardId,
        reason: req.reason,
        actor: req.actor,
        caseId,
        freezeKey: `${workflowInfo().runId}:${round}`,
      })) ?? { ...state, status: 'active', frozen_reason: null, frozen_until: null };
    }
    await condition(allHandlersFinished);
    // A freeze that arrived while unfreezing wins: keep holding the card.
    if (state.status !== 'frozen') break;
    unfreezeRequest = null;
  }
  return state;
}
