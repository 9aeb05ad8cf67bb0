import * as bonds from '../../db/bail/bonds.js';
import * as documents from '../../db/bail/documents.js';
import { getCustomer } from '../../db/customers/customers.js';
import type { Db } from '../../db/pool.js';
import { requeueStarts, type PendingStart } from '../../db/platform/workflow-starts.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../../lib/domain-errors.js';
import { isOpen } from '../../workflows/bail/bond-status.js';
import { audit, type CommandActor } from '../audited.js';
import { bailEvent } from './bond-parties.js';
import { documentSigningStart } from './document-start.js';

/**
 * A bond document (application, indemnity agreement, …) to be e-signed by the client (or another
 * signer): the row, its audit and event commit together, and its signing run is owed from the
 * commit (which sends the envelope).
 */
export async function sendDocument(
  db: Db,
  orgId: string,
  bondId: string,
  input: {
    type: string;
    required: boolean;
    expiresAt: string;
    signer?: { name: string; email: string } | undefined;
  },
  by: CommandActor,
): Promise<{ document: documents.DocumentRow; starts: PendingStart[] }> {
  return db.transaction(async (t) => {
    const bond = await bonds.getBond(t, orgId, bondId);
    if (!bond) throw new NotFoundError('bond');
    if (!isOpen(bond.status)) throw new ConflictError(`A ${bond.status} bond takes no new documents`);
    let signer = input.signer;
    if (!signer) {
      const client = await getCustomer(t, orgId, bond.client_id);
      if (!client?.email) throw new UnprocessableError('The client has no email address: give a signer');
      signer = { name: `${client.first_name} ${client.last_name}`.trim(), email: client.email };
    }
    const document = await documents.insertDocument(t, orgId, {
      bondId,
      clientId: bond.client_id,
      type: input.type,
      required: input.required,
      signerName: signer.name,
      signerEmail: signer.email,
      expiresAt: input.expiresAt,
    });
    await audit(t, orgId, by, {
      action: 'bail.document.created',
      resourceType: 'document',
      resourceId: document.id,
      after: {
        bond_id: bondId,
        type: document.type,
        required: document.required,
        expires_at: document.expires_at,
      },
    });
    await bailEvent(t, orgId, 'document.created', {
      bond_id: bondId,
      document_id: document.id,
      type: document.type,
    });
    const starts = [documentSigningStart(orgId, document)];
    await requeueStarts(t, starts);
    return { document, starts };
  });
}
