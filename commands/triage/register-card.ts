import { ForeignKeyIntegrityConstraintViolationError, UniqueIntegrityConstraintViolationError } from 'slonik';
import * as customers from '../../db/customers/customers.js';
import type { Db } from '../../db/pool.js';
import * as accounts from '../../db/triage/accounts.js';
import * as cards from '../../db/triage/cards.js';
import { cardNumberHash } from '../../lib/card-hash.js';
import {
  ConflictError,
  InvalidReferenceError,
  NotFoundError,
  UnprocessableFieldError,
} from '../../lib/domain-errors.js';
import { audited, type CommandActor } from '../audited.js';

export type CardInput = {
  customer_id: string;
  account_id?: string | null | undefined;
  card_number: string;
  expiry_month: number;
  expiry_year: number;
  card_type: cards.CardRow['card_type'];
};

/** Luhn check: catches typos in card numbers before they are hashed. */
function luhn(num: string): boolean {
  let sum = 0;
  for (let i = 0; i < num.length; i++) {
    let d = Number(num[num.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Registers a customer's card by a keyed hash of its number: only the last four digits are kept. */
export async function registerCard(
  db: Db,
  cardHashKey: string,
  orgId: string,
  card: CardInput,
  by: CommandActor,
): Promise<cards.CardRow> {
  if (!luhn(card.card_number))
    throw new UnprocessableFieldError(
      'body.card_number',
      'is not a valid card number',
      'invalid_card_number',
    );
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
            throw new InvalidReferenceError('body.account_id', 'not an account of this customer');
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
