import { ForeignKeyIntegrityConstraintViolationError, UniqueIntegrityConstraintViolationError } from 'slonik';
import * as customers from '../../db/customers/customers.js';
import type { Db } from '../../db/pool.js';
import * as accounts from '../../db/triage/accounts.js';
import * as cards from '../../db/triage/cards.js';
import { cardNumberHash } from '../../lib/card-hash.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../../lib/domain-errors.js';
import { audited, type CommandActor } from '../audited.js';

export type CardInput = {
  customer_id: string;
  account_id?: string | null | undefined;
  card_number: string;
  expiry_month: number;
  expiry_year: number;
  card_type: cards.CardRow['card_type'];
};

/** Registers a customer's card by a keyed hash of its number: only the last four digits are kept. */
export async function registerCard(
  db: Db,
  cardHashKey: string,
  orgId: string,
  card: CardInput,
  by: CommandActor,
): Promise<cards.CardRow> {
  try {
    return (await audited(
      db,
      orgId,
      by,
      async (t) => {
        if (!(await customers.getCustomer(t, orgId, card.customer_id))) throw new NotFoundError('customer');
        if (card.account_id) {
          const account = await accounts.getAccount(t, orgId, card.account_id);
          if (!account || account.customer_id !== card.customer_id)
            throw new UnprocessableError('account_id is not an account of this customer');
        }
        return cards.insertCard(t, orgId, {
          customer_id: card.customer_id,
          account_id: card.account_id ?? null,
          number_hash: cardNumberHash(cardHashKey, card.card_number),
          last4: card.card_number.slice(-4),
          expiry_month: card.expiry_month,
          expiry_year: card.expiry_year,
          card_type: card.card_type,
        });
      },
      (row) => ({ action: 'card.created', resourceType: 'card', resourceId: row.id }),
    ))!;
  } catch (err) {
    if (err instanceof UniqueIntegrityConstraintViolationError)
      throw new ConflictError('This card is already registered');
    if (err instanceof ForeignKeyIntegrityConstraintViolationError) throw new NotFoundError('account');
    throw err;
  }
}
