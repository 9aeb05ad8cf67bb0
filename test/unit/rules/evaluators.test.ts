import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  billMessage,
  evaluateAccountThreshold,
  evaluateDigest,
  evaluateGoal,
  evaluateMerchantName,
  evaluateSpendingTarget,
  evaluateTransactionLimit,
  evaluateUpcomingBill,
  THRESHOLD_COOLDOWN_MS,
  type Rule,
  type RuleMetadata,
  type TransactionContext,
} from '../../../workflows/rules/evaluators.js';
import { formatMoney, fromCents, toCents } from '../../../workflows/rules/money.js';

const rule = <T extends Rule['alert_type']>(
  alert_type: T,
  conditions: Rule<T>['conditions'],
  metadata: RuleMetadata = {},
) => ({ id: 'r1', alert_type, conditions, metadata }) as Rule<T>;
const cents = fc.bigInt({ min: 0n, max: 10_000_000n });
const NOW = Date.parse('2026-11-23T12:00:00Z');

const tx = (over: Partial<TransactionContext> = {}): TransactionContext => ({
  id: 'tx1',
  account_id: 'acc1',
  amount: '25.00',
  currency: 'USD',
  merchant_name: 'Starbucks Coffee',
  transaction_type: 'purchase',
  local_day: '2026-11-23',
  ...over,
});

describe('money', () => {
  it('round-trips cents exactly and formats with grouping', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), (c) => toCents(fromCents(c)) === c),
    );
    expect(formatMoney('1234567.5', 'USD')).toBe('$1,234,567.50');
    expect(formatMoney('-3', 'GBP')).toBe('-£3.00');
    expect(formatMoney('10', 'CHF')).toBe('CHF 10.00');
    expect(() => toCents('1,5')).toThrow(RangeError);
  });
});

describe('account_threshold', () => {
  const account = (balance: string) => ({ id: 'acc1', name: 'Checking account', balance, currency: 'USD' });

  it('fires below and above with the seed message', () => {
    const below = evaluateAccountThreshold(
      rule('account_threshold', { account_id: 'acc1', threshold: '500.00', direction: 'below' }),
      account('120.50'),
      NOW,
    );
    expect(below.fire?.message).toBe(
      'Your Checking account balance is below $500.00. Current balance: $120.50',
    );
    const above = evaluateAccountThreshold(
      rule('account_threshold', { account_id: 'acc1', threshold: '500.00', direction: 'above' }),
      account('500.01'),
      NOW,
    );
    expect(above.fire?.message).toBe(
      'Your Checking account balance is above $500.00. Current balance: $500.01',
    );
    expect(
      evaluateAccountThreshold(
        rule('account_threshold', { account_id: 'acc1', threshold: '500.00', direction: 'above' }),
        account('500.00'),
        NOW,
      ).fire,
    ).toBeNull();
  });

  it('keeps a 6 h cooldown per direction', () => {
    const r = rule('account_threshold', { account_id: 'acc1', threshold: '500.00', direction: 'below' });
    const first = evaluateAccountThreshold(r, account('100'), NOW);
    const again = { ...r, metadata: first.metadata };
    expect(evaluateAccountThreshold(again, account('100'), NOW + THRESHOLD_COOLDOWN_MS - 1).fire).toBeNull();
    const later = evaluateAccountThreshold(again, account('100'), NOW + THRESHOLD_COOLDOWN_MS);
    expect(later.fire).not.toBeNull();
    expect(later.fire!.dedupKey).not.toBe(first.fire!.dedupKey);
  });

  it('is monotone: a balance further past the threshold fires whenever a nearer one does', () => {
    fc.assert(
      fc.property(cents, cents, cents, (threshold, balance, extra) => {
        const r = rule('account_threshold', {
          account_id: 'a',
          threshold: fromCents(threshold),
          direction: 'below',
        });
        const near = evaluateAccountThreshold(r, account(fromCents(balance)), NOW).fire !== null;
        const far = evaluateAccountThreshold(r, account(fromCents(balance - extra)), NOW).fire !== null;
        return !near || far;
      }),
    );
  });
});

describe('goal', () => {
  const goal = (current: string) => ({
    id: 'g1',
    name: 'Holiday',
    current_amount: current,
    target_amount: '1000.00',
  });

  it('tells the highest milestone reached and marks those passed', () => {
    const r = evaluateGoal(rule('goal', { goal_id: 'g1' }), goal('800'));
    expect(r.fire?.message).toBe("Your goal 'Holiday' has reached 80% completion!");
    expect(r.metadata.milestone_notifications_sent).toEqual([25, 50, 75]);
  });

  it('never repeats a milestone, whatever the sequence of balances', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 150_000n }), { maxLength: 30 }), (steps) => {
        let r = rule('goal', { goal_id: 'g1' });
        const told: string[] = [];
        for (const s of steps) {
          const e = evaluateGoal(r, goal(fromCents(s)));
          if (e.fire) told.push(e.fire.dedupKey);
          r = { ...r, metadata: e.metadata };
        }
        return new Set(told).size === told.length && told.length <= 4;
      }),
    );
  });

  it('watches one milestone when the rule names it', () => {
    const r = rule('goal', { goal_id: 'g1', milestone_percentage: 50 });
    expect(evaluateGoal(r, goal('300')).fire).toBeNull();
    expect(evaluateGoal(r, goal('999.99')).fire?.data.milestone).toBe(50);
  });
});

describe('spending_target', () => {
  const budget = (spent: string, period = '2026-11') => ({
    id: 'b1',
    name: 'Groceries',
    amount: '500.00',
    spent,
    currency: 'USD',
    period,
  });

  it('fires once per threshold per period, with the seed message', () => {
    const r = rule('spending_target', { budget_id: 'b1' });
    const first = evaluateSpendingTarget(r, budget('410'));
    expect(first.fire?.message).toBe("Your 'Groceries' budget is at 82% ($410.00 of $500.00)");
    expect(first.metadata).toMatchObject({ current_period: '2026-11', thresholds_sent: [50, 80] });
    expect(evaluateSpendingTarget({ ...r, metadata: first.metadata }, budget('420')).fire).toBeNull();
  });

  it('resets its thresholds when the period changes', () => {
    fc.assert(
      fc.property(cents, (spent) => {
        const r = rule(
          'spending_target',
          { budget_id: 'b1' },
          { current_period: '2026-10', thresholds_sent: [50, 80, 90, 100] },
        );
        const fresh = rule('spending_target', { budget_id: 'b1' });
        const a = evaluateSpendingTarget(r, budget(fromCents(spent)));
        const b = evaluateSpendingTarget(fresh, budget(fromCents(spent)));
        return a.fire?.dedupKey === b.fire?.dedupKey && a.metadata.current_period === '2026-11';
      }),
    );
  });

  it('is monotone in spending', () => {
    fc.assert(
      fc.property(cents, cents, (spent, extra) => {
        const r = rule('spending_target', { budget_id: 'b1', threshold_percentage: 90 });
        const less = evaluateSpendingTarget(r, budget(fromCents(spent))).fire !== null;
        const more = evaluateSpendingTarget(r, budget(fromCents(spent + extra))).fire !== null;
        return !less || more;
      }),
    );
  });
});

describe('transaction_limit', () => {
  it('fires on every transaction at or over the limit, critical, for its account only', () => {
    const r = rule('transaction_limit', { amount: '1000.00', account_id: 'acc1' });
    const e = evaluateTransactionLimit(r, tx({ amount: '-1000.00', merchant_name: 'Apple Store' }));
    expect(e.fire).toMatchObject({ critical: true, kind: 'large_transaction' });
    expect(e.fire?.message).toBe(
      'Large transaction detected: Apple Store for $1,000.00 exceeds your limit of $1,000.00',
    );
    expect(evaluateTransactionLimit(r, tx({ id: 'tx2', amount: '1500' })).fire?.dedupKey).toBe(
      'alert-rule:r1:tx:tx2',
    );
    expect(evaluateTransactionLimit(r, tx({ amount: '999.99' })).fire).toBeNull();
    expect(evaluateTransactionLimit(r, tx({ amount: '5000', account_id: 'other' })).fire).toBeNull();
  });
});

describe('merchant_name', () => {
  it('matches exactly or by substring, ignoring case', () => {
    const exact = rule('merchant_name', { merchant_pattern: 'starbucks coffee', match_type: 'exact' });
    const contains = rule('merchant_name', { merchant_pattern: 'STARBUCKS', match_type: 'contains' });
    expect(evaluateMerchantName(exact, tx()).fire?.message).toBe(
      'Transaction detected: Starbucks Coffee for $25.00',
    );
    expect(evaluateMerchantName(contains, tx()).fire).not.toBeNull();
    expect(evaluateMerchantName(exact, tx({ merchant_name: 'Starbucks' })).fire).toBeNull();
  });

  it('first_of_day tells only the first transaction of the customer’s day', () => {
    const r = rule('merchant_name', {
      merchant_pattern: 'starbucks',
      match_type: 'contains',
      frequency: 'first_of_day',
    });
    const first = evaluateMerchantName(r, tx());
    expect(first.fire).not.toBeNull();
    expect(evaluateMerchantName({ ...r, metadata: first.metadata }, tx({ id: 'tx2' })).fire).toBeNull();
    expect(
      evaluateMerchantName({ ...r, metadata: first.metadata }, tx({ id: 'tx3', local_day: '2026-11-24' }))
        .fire,
    ).not.toBeNull();
  });

  it('daily_digest gathers the day and sends it once the day is over', () => {
    let r = rule('merchant_name', {
      merchant_pattern: 'starbucks',
      match_type: 'contains',
      frequency: 'daily_digest',
    });
    for (const [id, amount] of [
      ['a', '4.50'],
      ['b', '5.25'],
    ] as const) {
      const e = evaluateMerchantName(r, tx({ id, amount }));
      expect(e.fire).toBeNull();
      r = { ...r, metadata: e.metadata };
    }
    expect(evaluateDigest(r, '2026-11-23').fire).toBeNull();
    const digest = evaluateDigest(r, '2026-11-24');
    expect(digest.fire?.message).toBe(
      'Daily digest for 2026-11-23: 2 transactions at Starbucks Coffee for $9.75',
    );
    expect(evaluateDigest({ ...r, metadata: digest.metadata }, '2026-11-25').fire).toBeNull();
  });
});

describe('upcoming_bill', () => {
  const bill = { id: 'b1', name: 'Rent', amount: '1200.00', currency: 'USD', due_date: '2026-12-01' };

  it('says due today, tomorrow or in N days', () => {
    expect(billMessage(bill, 0)).toBe("Bill 'Rent' for $1,200.00 is due today");
    expect(billMessage(bill, 1)).toBe("Bill 'Rent' for $1,200.00 is due tomorrow");
    expect(billMessage(bill, 3)).toBe("Bill 'Rent' for $1,200.00 is due in 3 days");
  });

  it('fires within days_before of the due date, once per due date', () => {
    const r = rule('upcoming_bill', { bill_id: 'b1', days_before: 3 });
    expect(evaluateUpcomingBill(r, bill, '2026-11-27').fire).toBeNull();
    const e = evaluateUpcomingBill(r, bill, '2026-11-28');
    expect(e.fire?.message).toBe("Bill 'Rent' for $1,200.00 is due in 3 days");
    expect(evaluateUpcomingBill({ ...r, metadata: e.metadata }, bill, '2026-11-30').fire).toBeNull();
    expect(evaluateUpcomingBill(r, bill, '2026-12-02').fire).toBeNull();
    expect(
      evaluateUpcomingBill({ ...r, metadata: e.metadata }, { ...bill, due_date: '2027-01-01' }, '2026-12-29')
        .fire,
    ).not.toBeNull();
  });
});
