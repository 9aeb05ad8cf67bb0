import { describe, expect, it } from 'vitest';
import {
  actionLink,
  builtInTemplate,
  DEFAULT_TEMPLATES,
  formatAmount,
  KIND_TEMPLATES,
  render,
  SAMPLES,
  SMS_MAX,
} from '../../../lib/templates.js';

const varsFor = (kind: string, appUrl: string | null = 'https://app.example.com') => {
  const s = SAMPLES[kind]!;
  return {
    ...s,
    customer: { first_name: 'Ann', last_name: 'Lee' },
    org: { name: 'Acme Bank' },
    locale: 'en-US',
    ...actionLink(appUrl, s.metadata),
  };
};

describe('the seed’s messages per rule type', () => {
  it.each(Object.keys(KIND_TEMPLATES))(
    '%s: an SMS within 160 characters and an email with details and a link',
    (kind) => {
      const vars = varsFor(kind);
      const sms = render('sms', builtInTemplate(kind, 'sms', vars.metadata), vars);
      expect(sms.text.length).toBeLessThanOrEqual(SMS_MAX);
      expect(sms.text).not.toMatch(/undefined|\{\{|: \(|""/);
      const email = render('email', builtInTemplate(kind, 'email', vars.metadata), vars);
      expect(email.subject).toBe(vars.title);
      expect(email.html).toContain('class="alert-details"');
      expect(email.html).toContain(`href="${vars.action_url}"`);
      expect(email.text).toContain(vars.message);
      expect(email.text).not.toMatch(/<|undefined/);
    },
  );

  it('writes the texts the seed gives', () => {
    const sms = (kind: string) => render('sms', KIND_TEMPLATES[kind]!.sms!, varsFor(kind)).text;
    expect(sms('account_threshold')).toBe('checking account: $84.12 (below $100.00)');
    expect(sms('goal_milestone')).toBe('Goal "Emergency fund" reached 80%!');
    expect(sms('budget_alert')).toBe('Budget "Groceries" at 90%');
    expect(sms('large_transaction')).toBe('Large transaction: $1,250.00 (limit: $1,000.00)');
    expect(sms('merchant_activity')).toBe('Coffee House: $4.50');
    expect(sms('bill_reminder')).toBe('Bill "Electricity" ($120.00) due in 3 days');
  });

  it('links each type back to its page in the app, and shows no button without an app URL', () => {
    expect(actionLink('https://app.example.com/', SAMPLES.goal_milestone!.metadata)).toEqual({
      action_url: 'https://app.example.com/goals/00000000-0000-4000-8000-000000000002',
      action_label: 'View Goal',
    });
    expect(actionLink('https://app.example.com', SAMPLES.bill_reminder!.metadata).action_url).toBe(
      'https://app.example.com/cashflow/bills/00000000-0000-4000-8000-000000000006',
    );
    expect(actionLink('https://app.example.com', {}).action_url).toBe(
      'https://app.example.com/notifications',
    );
    const vars = varsFor('budget_alert', null);
    expect(render('email', KIND_TEMPLATES.budget_alert!.email!, vars).html).not.toContain('btn-primary');
  });

  it('uses the generic template for a notification no rule sent', () => {
    expect(builtInTemplate('goal_milestone', 'sms', {})).toBe(DEFAULT_TEMPLATES.sms);
    expect(builtInTemplate('fraud_contact', 'email', { alert_type: 'x' })).toBe(DEFAULT_TEMPLATES.email);
  });

  it('formats money for the customer’s locale, and leaves what is not a number as it is', () => {
    expect(formatAmount('1234.5', 'USD')).toBe('$1,234.50');
    expect(formatAmount('1234.5', 'EUR', 'de-DE')).toBe(formatAmount(1234.5, 'EUR', 'de-DE'));
    expect(formatAmount('1234.5', 'EUR', 'de-DE')).toMatch(/^1\.234,50\s€$/);
    expect(formatAmount('n/a', 'USD')).toBe('n/a');
    expect(formatAmount(undefined, 'USD')).toBe('');
  });
});
