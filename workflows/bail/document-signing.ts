import { condition, setHandler } from '@temporalio/workflow';
import { acts } from './activity-options.js';
import { envelopeStatusSignal } from './messages.js';

export type DocumentSigningInput = { orgId: string; documentId: string };
export type DocumentSigningResult = { status: 'signed' | 'declined' | 'voided' | 'expired' };

const DAY = 86_400_000;
/** The signer is reminded 3 days and 1 day before the envelope expires. */
export const SIGNING_REMINDER_DAYS = [3, 1] as const;

/**
 * A bond document out for signature (`bond-doc-<documentId>`): sends the envelope, then waits for
 * DocuSign's word (completed, declined, voided) until it expires, reminding the signer 3 days and
 * 1 day before; an envelope that expires is marked and the agent told. The database holds the
 * truth: the signal only makes the workflow read it again.
 */
export async function documentSigning(input: DocumentSigningInput): Promise<DocumentSigningResult> {
  const ref = { orgId: input.orgId, documentId: input.documentId };
  let changed = false;
  setHandler(envelopeStatusSignal, () => void (changed = true));
  const reminded = new Set<number>();

  await acts.sendEnvelope(ref);
  for (;;) {
    changed = false;
    const doc = await acts.loadDocument(ref);
    if (doc.status !== 'sent') return { status: doc.status === 'draft' ? 'voided' : doc.status };
    const expiresAt = Date.parse(doc.expiresAt);
    const reminder = SIGNING_REMINDER_DAYS.find((d) => !reminded.has(d) && expiresAt - d * DAY > Date.now());
    const wakeAt = reminder === undefined ? expiresAt : expiresAt - reminder * DAY;
    if (await condition(() => changed, Math.max(wakeAt - Date.now(), 1))) continue;
    if (reminder === undefined) {
      await acts.expireDocument(ref);
      continue;
    }
    reminded.add(reminder);
    await acts.remindSigner({ ...ref, daysLeft: reminder });
  }
}
