import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from '../pool.js';

export const DOCUMENT_STATUSES = ['draft', 'sent', 'signed', 'declined', 'expired', 'voided'] as const;

export const documentRow = z.object({
  id: z.string().uuid(),
  bond_id: z.string().uuid(),
  client_id: z.string().uuid(),
  type: z.string(),
  required: z.boolean(),
  status: z.enum(DOCUMENT_STATUSES),
  provider: z.string().nullable(),
  envelope_id: z.string().nullable(),
  signer_name: z.string().nullable(),
  signer_email: z.string().nullable(),
  provider_status: z.string().nullable(),
  sent_at: z.string().nullable(),
  signed_at: z.string().nullable(),
  expires_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type DocumentRow = z.infer<typeof documentRow>;

const columns = sql.fragment`id, bond_id, client_id, type, required, status, provider, envelope_id, signer_name,
  signer_email, provider_status, sent_at, signed_at, expires_at, created_at, updated_at`;

/** The types of a bond's required documents that are not signed yet. */
export function unsignedRequiredDocuments(
  db: Queryable,
  orgId: string,
  bondId: string,
): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ type: z.string() }))`
    SELECT type FROM documents
    WHERE org_id = ${orgId} AND bond_id = ${bondId} AND required AND status <> 'signed'
    ORDER BY type`);
}

export function insertDocument(
  db: Queryable,
  orgId: string,
  d: {
    bondId: string;
    clientId: string;
    type: string;
    required: boolean;
    signerName: string;
    signerEmail: string;
    expiresAt: string;
  },
): Promise<DocumentRow> {
  return db.one(sql.type(documentRow)`
    INSERT INTO documents (org_id, bond_id, client_id, type, required, signer_name, signer_email, expires_at)
    VALUES (${orgId}, ${d.bondId}, ${d.clientId}, ${d.type}, ${d.required}, ${d.signerName}, ${d.signerEmail},
      ${d.expiresAt})
    RETURNING ${columns}`);
}

export function getDocument(db: Queryable, orgId: string, id: string): Promise<DocumentRow | null> {
  return db.maybeOne(sql.type(documentRow)`
    SELECT ${columns} FROM documents WHERE org_id = ${orgId} AND id = ${id}`);
}

export function listDocuments(db: Queryable, orgId: string, bondId: string): Promise<readonly DocumentRow[]> {
  return db.any(sql.type(documentRow)`
    SELECT ${columns} FROM documents WHERE org_id = ${orgId} AND bond_id = ${bondId} ORDER BY created_at, id`);
}

/** The envelope is out: its id and provider, once (a second send finds it set). */
export function markSent(
  db: Queryable,
  orgId: string,
  id: string,
  provider: string,
  envelopeId: string,
): Promise<DocumentRow | null> {
  return db.maybeOne(sql.type(documentRow)`
    UPDATE documents SET status = 'sent', provider = ${provider}, envelope_id = ${envelopeId}, sent_at = now(),
      provider_status = 'sent', status_at = now(), updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} AND status = 'draft' RETURNING ${columns}`);
}

/** A document by its envelope: Connect messages carry no organisation, the row does. */
export function findByEnvelope(
  db: Queryable,
  provider: string,
  envelopeId: string,
): Promise<(DocumentRow & { org_id: string }) | null> {
  return db.maybeOne(sql.type(documentRow.extend({ org_id: z.string().uuid() }))`
    SELECT ${columns}, org_id FROM documents WHERE provider = ${provider} AND envelope_id = ${envelopeId}`);
}

/** The envelope's end (signed, declined, voided, expired): only from `sent`, so it happens once. */
export function finishDocument(
  db: Queryable,
  orgId: string,
  id: string,
  to: 'signed' | 'declined' | 'voided' | 'expired',
  providerStatus: string,
): Promise<DocumentRow | null> {
  return db.maybeOne(sql.type(documentRow)`
    UPDATE documents SET status = ${to}, provider_status = ${providerStatus}, status_at = now(), updated_at = now(),
      signed_at = CASE WHEN ${to} = 'signed' THEN now() ELSE signed_at END
    WHERE org_id = ${orgId} AND id = ${id} AND status = 'sent' RETURNING ${columns}`);
}

/** A provider's intermediate word (delivered: the signer opened it), kept for the agent. */
export function noteProviderStatus(
  db: Queryable,
  orgId: string,
  id: string,
  status: string,
): Promise<unknown> {
  return db.query(sql.unsafe`
    UPDATE documents SET provider_status = ${status}, status_at = now() WHERE org_id = ${orgId} AND id = ${id}`);
}
