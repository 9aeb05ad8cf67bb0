import type { AgentImpls } from '../types.js';
import { caseSummarizer } from './case-summarizer.js';
import { cardManager } from './card-manager.js';
import { fraudDetector } from './fraud-detector.js';
import { kycCheck } from './kyc-check.js';

/** Implementations by agent id (definitions: workflows/triage/agents.ts); one missing fails the type check. */
export const AGENT_IMPLS: AgentImpls = {
  'fraud-detector': fraudDetector,
  'kyc-check': kycCheck,
  'card-manager': cardManager,
  'case-summarizer': caseSummarizer,
};
