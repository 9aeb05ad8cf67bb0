import type { Client } from '@temporalio/client';
import type { Db } from '../../db/pool.js';
import type { CaseOutcome } from '../../workflows/triage/case-events.js';
import type { ActivityAgentId, AgentId } from '../../workflows/triage/agents.js';
import type { CardFreezeState } from '../../workflows/triage/messages.js';
import type { ScreeningThresholds } from '../../workflows/triage/screening.js';
import type { Priority } from '../../workflows/triage/sla.js';

/**
 * The triage activities' types, apart from their implementations: workflows and starters import
 * these, so no import cycle runs activities → temporal → workflows → activities.
 */
export type TriageDeps = {
  db: Db;
  temporal: Client;
  taskQueuePrefix?: string;
  thresholds?: ScreeningThresholds;
};

/** What an agent gets: the alert's facts and the results of the agents it depends on. */
export type AgentContext = {
  orgId: string;
  alertId: string;
  caseId: string;
  customerId: string;
  transactionId: string | null;
  cardId: string | null;
  inputs: Partial<Record<AgentId, Record<string, unknown>>>;
};

export type AgentResult = Record<string, unknown>;
export type AgentImpl = (ctx: AgentContext, deps: TriageDeps) => Promise<AgentResult>;
/** One implementation per activity agent: a definition without one fails the type check. */
export type AgentImpls = Record<ActivityAgentId, AgentImpl>;

export type ContactOutcome = 'yes' | 'no' | 'no_reply' | 'sent' | 'callback_requested';
type AgentStep = { agent: string; batch: number; context: AgentContext };
type Dispute = { orgId: string; disputeId: string };

export type OpenedTriage = {
  caseId: string;
  customerId: string;
  transactionId: string | null;
  cardId: string | null;
  priority: Priority;
  slaDueAt: string;
  resolved: boolean;
  assignedAgent: string | null;
};

export interface TriageActivities {
  // Screening and the triage's own steps.
  screenTransaction(input: { orgId: string; transactionId: string }): Promise<{
    riskScore: number;
    alert: { id: string; priority: Priority; customerId: string; created: boolean } | null;
  }>;
  openTriage(input: { orgId: string; alertId: string; batches: string[][] }): Promise<OpenedTriage>;
  runAgent(input: AgentStep): Promise<AgentResult>;
  finishAgent(input: AgentStep & { status: 'failed' | 'skipped'; error: string }): Promise<void>;
  completeAgent(input: AgentStep & { result: AgentResult }): Promise<void>;
  completeTriage(input: { orgId: string; alertId: string; caseId: string; partial: boolean }): Promise<void>;
  escalateAlert(input: {
    orgId: string;
    alertId: string;
    caseId: string;
    from: Priority;
    to: Priority;
    slaDueAt: string;
    step: number;
  }): Promise<void>;

  // Operators' commands, through the triage's updates.
  assignAlert(input: {
    orgId: string;
    alertId: string;
    agent: string;
    actor: string;
    updateId: string;
  }): Promise<{ assigned_agent: string }>;
  resolveAlert(input: {
    orgId: string;
    alertId: string;
    resolution: string;
    actions_taken: unknown[];
    outcome?: CaseOutcome | undefined;
    actor: string;
    updateId: string;
  }): Promise<{ status: 'resolved' }>;
  addCaseNote(input: {
    orgId: string;
    caseId: string;
    note: string;
    actor: string;
    updateId: string;
  }): Promise<{ added: true }>;

  // The customer-contact agent: asking, then acting on the answer one step at a time.
  prepareContact(input: {
    agent: string;
    context: AgentContext;
    contactId: string;
  }): Promise<{ skip: string } | { contactId: string }>;
  openDisputeForDenial(input: { context: AgentContext }): Promise<{ disputeId: string | null }>;
  freezeUntilReplaced(input: { context: AgentContext }): Promise<void>;
  requestReplacementCard(input: { context: AgentContext }): Promise<void>;
  liftTriageFreeze(input: { context: AgentContext; reason: string }): Promise<void>;
  resolveConfirmedAlert(input: { context: AgentContext }): Promise<void>;
  escalateToSupervisor(input: { context: AgentContext; reason: string }): Promise<void>;
  /** Before contact-outcome-steps: the whole outcome in one activity (runs recorded before replay with it). */
  applyContactOutcome(input: AgentStep & { outcome: ContactOutcome }): Promise<{ resolved: boolean }>;

  // A card's freeze.
  applyFreeze(input: {
    orgId: string;
    cardId: string;
    reason: string;
    until: string | null;
    actor: string;
    caseId?: string | null | undefined;
    requestId: string;
  }): Promise<CardFreezeState>;
  applyUnfreeze(input: {
    orgId: string;
    cardId: string;
    reason: string;
    actor: string;
    caseId?: string | null | undefined;
    freezeKey: string;
  }): Promise<CardFreezeState | null>;

  // A dispute's lifecycle.
  disputeReminder(input: Dispute & { daysLeft: number }): Promise<void>;
  submitDispute(input: Dispute & { evidence: unknown[]; actor: string }): Promise<string | null>;
  resolveDispute(input: Dispute & { result: 'won' | 'lost'; actor: string }): Promise<string | null>;
  expireDispute(input: Dispute): Promise<string | null>;
}
