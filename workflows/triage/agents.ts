/**
 * The triage agents: what each does, what it needs first, and how long and how often it may try.
 * Adding an agent is one entry here plus its implementation in activities/triage/agents/ (the
 * implementation map is keyed by `ActivityAgentId`, so a missing one fails the type check).
 * Pure data: imported by the workflow, the activities and the API.
 */
export type AgentDefinition = {
  id: string;
  name: string;
  capabilities: readonly string[];
  dependencies: readonly string[];
  /** startToCloseTimeout of one attempt. */
  timeout: string;
  retry: { maximumAttempts: number; initialInterval: string; maximumInterval: string };
  /** 'workflow': the agent's work is a child workflow (it waits on the customer), not one activity. */
  runsAs?: 'activity' | 'workflow';
};

const defaultRetry = { maximumAttempts: 3, initialInterval: '1 second', maximumInterval: '10 seconds' };

export const AGENTS = [
  {
    id: 'fraud-detector',
    name: 'Fraud Detection Agent',
    capabilities: ['risk-assessment', 'pattern-analysis'],
    dependencies: [],
    timeout: '10 seconds',
    retry: defaultRetry,
  },
  {
    id: 'kyc-check',
    name: 'KYC Agent',
    capabilities: ['identity', 'customer-history'],
    dependencies: [],
    timeout: '10 seconds',
    retry: defaultRetry,
  },
  {
    id: 'card-manager',
    name: 'Card Management Agent',
    capabilities: ['freeze-card', 'unfreeze-card'],
    dependencies: ['fraud-detector', 'kyc-check'],
    timeout: '10 seconds',
    retry: defaultRetry,
  },
  {
    id: 'case-summarizer',
    name: 'Case Summary Agent',
    capabilities: ['summarize'],
    dependencies: ['fraud-detector', 'kyc-check', 'card-manager'],
    timeout: '10 seconds',
    retry: defaultRetry,
  },
  {
    // Asks the customer whether they made the payment, when the card was frozen; acts on the answer.
    id: 'customer-contact',
    name: 'Customer Contact Agent',
    capabilities: ['contact-customer', 'open-dispute', 'unfreeze-card'],
    dependencies: ['card-manager'],
    timeout: '10 seconds',
    retry: defaultRetry,
    runsAs: 'workflow',
  },
] as const satisfies readonly AgentDefinition[];

export type AgentId = (typeof AGENTS)[number]['id'];
/** Agents whose work is one activity (runAgent); the others run as workflows and have their own steps. */
export type ActivityAgentId = Exclude<(typeof AGENTS)[number], { runsAs: 'workflow' }>['id'];

/** The registry before customer-contact joined it: what runs recorded before that change replay with. */
export const AGENTS_BEFORE_CONTACT: readonly AgentDefinition[] = AGENTS.filter(
  (a) => a.id !== 'customer-contact',
);

export const AGENT_IDS: AgentId[] = AGENTS.map((a) => a.id);
