/** Workflow ids come from business keys, so starting twice finds the first run. */
export { triageWorkflowId as triageId } from '../workflows/triage/ids.js';
export const disputeId = (id: string) => `dispute-${id}`;
export { cardFreezeWorkflowId } from './card-freeze.js';
