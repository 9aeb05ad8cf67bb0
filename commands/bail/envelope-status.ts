import type { EnvelopeEvent, ESignProvider } from '../../activities/bail/providers/types.js';
import * as bonds from '../../db/bail/bonds.js';
import * as documents from '../../db/bail/documents.js';
import { createBailTask } from '../../db/bail/tasks.js';
import type { Db } from '../../db/pool.js';
import { requeueStarts, type PendingStart } from '../../db/platform/workflow-starts.js';
import { NotFoundError } from '../../lib/domain-errors.js';
import { audit, type CommandActor } from '../audited.js';
import { bailEvent } from './bond-parties.js';
import { documentSigningStart } from './document-start.js';

const FINAL = { completed: 'signed', declined: 'declined', voided: 'voided' } as const;

/** Sends a document's envelope once: a retry after a crash finds the one already sent (by our id). */
export async function sendEnvelope(
  db: Db,
  esign: ESignProvider,
  orgId: string,
  documentId: string,
  by: CommandActor,
): Promise<{ envelopeId: string }> {
  const doc = await documents.getDocument(db, orgId, documentId);
  if (!doc) throw new NotFoundError('document');
  if (doc.envelope_id) return { envelopeId: doc.envelope_id };
  const bond = (await bonds.getBond(db, orgId, doc.bond_id))!;
  const { envelopeId } =
    (await esign.find(doc.id)) ??
    (await esign.send({
      documentId: doc.id,
      type: doc.type,
      signerName: doc.signer_name ?? '',
      signerEmail: doc.signer_email ?? '',
      subject: `Please sign: ${doc.type.replace(/_/g, ' ')} for bond ${bond.bond_number}`,
      expiresAt: doc.expires_at ?? new Date(Date.now() + 14 * 86_400_000).toISOString(),
    }));
  await db.transaction(async (t) => {
    if (!(await documents.markSent(t, orgId, doc.id, esign.name, envelopeId))) return;
    await audit(t, orgId, by, {
      action: 'bail.document.sent',
      resourceType: 'document',
      resourceId: doc.id,
      after: { provider: esign.name, envelope_id: envelopeId },
    });
    await bailEvent(t, orgId, 'document.sent', { bond_id: doc.bond_id, document_id: doc.id });
  });
  return { envelopeId };
}

/**
 * The provider's word on an envelope (a verified Connect message, or the local provider through
 * the API): a final one ends the document (once), an intermediate one is kept; the run is told.
 */
export async function applyEnvelopeEvent(
  db: Db,
  provider: string,
  e: EnvelopeEvent,
  by: CommandActor = { type: 'system', id: `${provider}-connect` },
): Promise<{ applied: boolean; starts: PendingStart[] }> {
  const doc = await documents.findByEnvelope(db, provider, e.envelopeId);
  if (!doc) return { applied: false, starts: [] };
  const orgId = doc.org_id;
  const status = e.status;
  if (status === 'sent' || status === 'delivered') {
    await documents.noteProviderStatus(db, orgId, doc.id, status);
    return { applied: true, starts: [] };
  }
  return db.transaction(async (t) => {
    const row = await documents.finishDocument(t, orgId, doc.id, FINAL[status], status);
    if (!row) return { applied: false, starts: [] };
    await audit(t, orgId, by, {
      action: `bail.document.${row.status}`,
      resourceType: 'document',
      resourceId: row.id,
      before: { status: doc.status },
      after: { status: row.status, provider_status: status },
    });
    await bailEvent(t, orgId, `document.${row.status}`, { bond_id: row.bond_id, document_id: row.id });
    const starts = [documentSigningStart(orgId, row, { type: 'envelope', status })];
    await requeueStarts(t, starts);
    return { applied: true, starts };
  });
}

/** An envelope that expired unsigned: the document is `expired` and the agent gets a task. */
export async function expireDocument(
  db: Db,
  orgId: string,
  documentId: string,
  by: CommandActor,
): Promise<void> {
  await db.transaction(async (t) => {
    const row = await documents.finishDocument(t, orgId, documentId, 'expired', 'expired');
    if (!row) return;
    const bond = (await bonds.getBond(t, orgId, row.bond_id))!;
    await createBailTask(t, orgId, {
      bondId: bond.id,
      type: 'document_expired',
      priority: row.required ? 'high' : 'medium',
      title: `Unsigned ${row.type.replace(/_/g, ' ')} expired: bond ${bond.bond_number}`,
      details: { document_id: row.id, type: row.type, signer_email: row.signer_email },
      assignedTo: bond.created_by,
      dedupKey: `document-expired:${row.id}`,
    });
    await audit(t, orgId, by, {
      action: 'bail.document.expired',
      resourceType: 'document',
      resourceId: row.id,
      after: { status: 'expired' },
    });
    await bailEvent(t, orgId, 'document.expired', { bond_id: bond.id, document_id: row.id });
  });
}
