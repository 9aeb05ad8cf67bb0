import type { PendingStart } from '../../db/platform/workflow-starts.js';
import { documentSigningWorkflowId } from '../../workflows/bail/ids.js';

/** What a document's signing run is told after a commit (temporal/clients/bail.ts sends it). */
export type DocumentSignal = { type: 'started' } | { type: 'envelope'; status: string };

/** The signing run a document is owed: started once, then signalled (signal-with-start). */
export const documentSigningStart = (
  orgId: string,
  doc: { id: string; client_id: string },
  signal: DocumentSignal = { type: 'started' },
): PendingStart => ({
  workflow_id: documentSigningWorkflowId(doc.id),
  org_id: orgId,
  kind: 'document_signing',
  subject_id: doc.id,
  customer_id: doc.client_id,
  priority: null,
  input: { signal },
});
