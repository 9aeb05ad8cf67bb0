import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Priority } from './sla.js';

// Message definitions shared by the workflows and the API (which imports them, never the workflows' internals).

export type AgentStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped';
export type TriageProgress = {
  alertId: string;
  caseId: string | null;
  status: 'running_agents' | 'awaiting_resolution' | 'resolved';
  priority: Priority;
  batches: string[][];
  agents: Record<string, { status: AgentStatus; batch: number; error?: string }>;
  assignedAgent: string | null;
  slaDueAt: string | null;
  /** Signals that joined the alert after it was raised (a burst is one alert), as they arrive. */
  evidence?: { transactionCount: number; latestTransactionIds: string[] };
};

export const triageProgressQuery = defineQuery<TriageProgress>('progress');
export type AssignInput = { agent: string; actor: string };
export const assignUpdate = defineUpdate<{ assigned_agent: string }, [AssignInput]>('assign');
export type ResolveInput = {
  resolution: string;
  actions_taken: unknown[];
  outcome?: 'confirmed_fraud' | 'false_positive' | 'customer_confirmed' | 'inconclusive';
  actor: string;
};
export const resolveUpdate = defineUpdate<{ status: 'resolved' }, [ResolveInput]>('resolve');
export type NoteInput = { note: string; actor: string };
export const addNoteUpdate = defineUpdate<{ added: true }, [NoteInput]>('addNote');
/** New transactions joined the alert under triage; the facts are in Postgres already, this is live progress. */
export type AlertEvidence = { transactionIds: string[]; transactionCount: number; priority: Priority };
export const alertEvidenceSignal = defineSignal<[AlertEvidence]>('evidence');

export type FreezeRequest = {
  requestId: string;
  reason: string;
  temporary: boolean;
  durationHours?: number;
  actor: string;
  caseId?: string | null;
};
export type CardFreezeState = {
  cardId: string;
  status: 'active' | 'frozen' | 'closed';
  frozen_reason: string | null;
  frozen_until: string | null;
};
export const freezeUpdate = defineUpdate<CardFreezeState, [FreezeRequest]>('freeze');
/**
 * Lifts the freeze. With `hold` (the freeze request id that placed it), lifts only that one: the
 * card stays frozen while a freeze placed by someone else still holds it.
 */
export const unfreezeSignal = defineSignal<[UnfreezeRequest]>('unfreeze');
export type UnfreezeRequest = { reason: string; actor: string; hold?: string };
export const extendSignal = defineSignal<[{ hours: number; actor: string }]>('extend');
export const cardFreezeStateQuery = defineQuery<CardFreezeState>('state');

export const submitDisputeSignal = defineSignal<[{ evidence: unknown[]; actor: string }]>('submit');
export const disputeOutcomeSignal = defineSignal<[{ result: 'won' | 'lost'; actor: string }]>('outcome');
export const disputeStatusQuery = defineQuery<{ status: string; submitBy: string }>('status');

/** Longest temporary freeze accepted, in hours (90 days). */
export const MAX_FREEZE_HOURS = 24 * 90;
export const DEFAULT_FREEZE_HOURS = 24;
