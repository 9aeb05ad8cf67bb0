import Handlebars from 'handlebars';
import { LRUCache } from 'lru-cache';
import type { Channel } from '../workflows/notify/channels.js';

export type Template = { subject: string | null; body: string };

/** Built-in templates per channel; organisations override them per kind (notification_templates). */
export const DEFAULT_TEMPLATES: Record<Channel, Template> = {
  email: {
    subject: '{{title}}',
    body:
      '<p>Hello {{customer.first_name}},</p>\n<p>{{message}}</p>\n' +
      '{{#if answer_links}}<p><a href="{{answer_links.yes}}">Yes, it was me</a></p>\n' +
      '<p><a href="{{answer_links.no}}">No, it was not me</a></p>\n{{/if}}' +
      '<p>— {{org.name}}</p>',
  },
  sms: { subject: null, body: '{{title}}: {{message}}' },
  in_app: { subject: '{{title}}', body: '{{message}}' },
};

export const SMS_MAX = 160;

// One Handlebars environment for every message: the seed's layout and the helpers it needs.
const hbs = Handlebars.create();

/** Messages format money and dates for the customer's locale (BCP 47); this when none is set. */
export const DEFAULT_LOCALE = 'en-US';

const numberFormats = new Map<string, Intl.NumberFormat>();
/** "$1,234.50" for 1234.5 USD in en-US, "1.234,50 €" in de-DE; an amount that is not a number as given. */
export function formatAmount(amount: unknown, currency: unknown, locale: string = DEFAULT_LOCALE): string {
  if (typeof amount !== 'number' && typeof amount !== 'string') return '';
  const n = Number(amount);
  if (amount === '' || !Number.isFinite(n)) return String(amount);
  const code =
    typeof currency === 'string' && /^[A-Za-z]{3}$/.test(currency) ? currency.toUpperCase() : 'USD';
  const key = `${locale}:${code}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency: code });
    numberFormats.set(key, f);
  }
  return f.format(n);
}

type HelperOptions = { data?: { root?: { locale?: string } } };
const localeOf = (o: HelperOptions) => o.data?.root?.locale ?? DEFAULT_LOCALE;
// {{money amount currency}}: the amount in the customer's locale.
hbs.registerHelper('money', (amount: unknown, currency: unknown, o: HelperOptions) =>
  formatAmount(amount, currency, localeOf(o)),
);
// {{abs x}}: a debit's size ("-250.00" is 250.00).
hbs.registerHelper('abs', (v: unknown) =>
  typeof v === 'string' ? v.replace(/^-/, '') : Math.abs(Number(v)),
);
// {{due days}}: "today", "tomorrow", "in 3 days" (the seed's formatDaysUntilDue).
hbs.registerHelper('due', (days: unknown) =>
  Number(days) === 0 ? 'today' : Number(days) === 1 ? 'tomorrow' : `in ${Number(days)} days`,
);

/**
 * The seed's base email layout: the organisation's name, the title, the greeting and message,
 * the type's detail rows (the block), and an action button back to the app.
 */
hbs.registerPartial(
  'layout',
  '<!doctype html>\n<html lang="{{locale}}"><body style="font-family:Arial,sans-serif;color:#1f2933">\n' +
    '<div class="header"><strong>{{org.name}}</strong></div>\n' +
    '<div class="alert-notification">\n<h2>{{title}}</h2>\n<p>Hello {{customer.first_name}},</p>\n<p>{{message}}</p>\n' +
    '<div class="alert-details">\n{{> @partial-block}}</div>\n' +
    '{{#if action_url}}<p><a href="{{action_url}}" class="btn-primary">{{action_label}}</a></p>\n{{/if}}' +
    '</div>\n<p class="footer">You receive this because alerts are on for your account. — {{org.name}}</p>\n' +
    '</body></html>',
);

const row = (label: string, value: string) => `<p><strong>${label}:</strong> ${value}</p>\n`;
const email = (subject: string, rows: string): Template => ({
  subject,
  body: `{{#> layout}}${rows}{{/layout}}`,
});
const sms = (body: string): Template => ({ subject: null, body });

/**
 * The seed's messages per notification kind (the six rule types), for email (layout with detail
 * rows and an action link) and SMS (its texts, at most 160 characters). They apply to a rule's
 * notification (its metadata carries alert_type and the names); any other uses the generic ones.
 */
export const KIND_TEMPLATES: Record<string, Partial<Record<Channel, Template>>> = {
  account_threshold: {
    email: email(
      '{{title}}',
      row('Account', '{{metadata.account_name}}') +
        row('Current Balance', '{{money metadata.balance metadata.currency}}') +
        row('Threshold', '{{money metadata.threshold metadata.currency}} ({{metadata.direction}})'),
    ),
    sms: sms(
      '{{metadata.account_name}}: {{money metadata.balance metadata.currency}} ({{metadata.direction}} {{money metadata.threshold metadata.currency}})',
    ),
  },
  goal_milestone: {
    email: email(
      '{{title}}',
      row('Goal', '{{metadata.goal_name}}') +
        row('Progress', '{{metadata.progress}}%') +
        row(
          'Saved',
          '{{money metadata.current_amount metadata.currency}} of {{money metadata.target_amount metadata.currency}}',
        ),
    ),
    sms: sms('Goal "{{metadata.goal_name}}" reached {{metadata.progress}}%!'),
  },
  budget_alert: {
    email: email(
      '{{title}}',
      row('Budget', '{{metadata.budget_name}}') +
        row(
          'Spent',
          '{{money metadata.spent metadata.currency}} of {{money metadata.amount metadata.currency}}',
        ) +
        row('Used', '{{metadata.percent}}% ({{metadata.period}})'),
    ),
    sms: sms('Budget "{{metadata.budget_name}}" at {{metadata.percent}}%'),
  },
  large_transaction: {
    email: email(
      '{{title}}',
      row('Amount', '{{money (abs metadata.amount) metadata.currency}}') +
        row('Your limit', '{{money metadata.limit metadata.currency}}') +
        '{{#if metadata.merchant_name}}' +
        row('Merchant', '{{metadata.merchant_name}}') +
        '{{/if}}',
    ),
    sms: sms(
      'Large transaction: {{money (abs metadata.amount) metadata.currency}} (limit: {{money metadata.limit metadata.currency}})',
    ),
  },
  merchant_activity: {
    email: email(
      '{{title}}',
      row('Merchant', '{{metadata.merchant_name}}') +
        row('Amount', '{{money (abs metadata.amount) metadata.currency}}'),
    ),
    sms: sms('{{metadata.merchant_name}}: {{money (abs metadata.amount) metadata.currency}}'),
  },
  merchant_digest: {
    email: email(
      '{{title}}',
      row('Day', '{{metadata.day}}') +
        row('Transactions', '{{metadata.count}}') +
        row('Total', '{{money metadata.total metadata.currency}}'),
    ),
    sms: sms('{{title}} on {{metadata.day}}, {{money metadata.total metadata.currency}}'),
  },
  bill_reminder: {
    email: email(
      '{{title}}',
      row('Bill', '{{metadata.bill_name}}') +
        row('Amount', '{{money metadata.amount metadata.currency}}') +
        row('Due', '{{metadata.due_date}} ({{due metadata.days_until_due}})'),
    ),
    sms: sms(
      'Bill "{{metadata.bill_name}}" ({{money metadata.amount metadata.currency}}) due {{due metadata.days_until_due}}',
    ),
  },
};

/** The built-in template for a notification: its kind's when a rule sent it, else the channel's generic one. */
export function builtInTemplate(kind: string, channel: Channel, metadata: Record<string, unknown>): Template {
  const byKind = typeof metadata.alert_type === 'string' ? KIND_TEMPLATES[kind]?.[channel] : undefined;
  return byKind ?? DEFAULT_TEMPLATES[channel];
}

/** Where a message's button leads in the app (the seed's generateActionUrl), and its label. */
export function actionLink(
  appUrl: string | null | undefined,
  metadata: Record<string, unknown>,
): { action_url: string | null; action_label: string } {
  if (!appUrl) return { action_url: null, action_label: '' };
  const base = appUrl.replace(/\/+$/, '');
  const id = (k: string) => {
    const v = metadata[k];
    return typeof v === 'string' || typeof v === 'number' ? encodeURIComponent(v) : '';
  };
  switch (metadata.alert_type) {
    case 'account_threshold':
      return { action_url: `${base}/accounts/${id('account_id')}`, action_label: 'View Account' };
    case 'goal':
      return { action_url: `${base}/goals/${id('goal_id')}`, action_label: 'View Goal' };
    case 'spending_target':
      return { action_url: `${base}/budgets/${id('budget_id')}`, action_label: 'View Budget' };
    case 'transaction_limit':
    case 'merchant_name':
      return metadata.transaction_id
        ? { action_url: `${base}/transactions/${id('transaction_id')}`, action_label: 'View Transaction' }
        : { action_url: `${base}/notifications`, action_label: 'View Notifications' };
    case 'upcoming_bill':
      return { action_url: `${base}/cashflow/bills/${id('bill_id')}`, action_label: 'View Bill' };
    default:
      return { action_url: `${base}/notifications`, action_label: 'View Notifications' };
  }
}

/** A notification's data as templates see it (a preview's, or a real one's). */
export type Sample = { title: string; message: string; metadata: Record<string, unknown> };

/** Example data per kind (what the rules send), for previews of a template without a real notification. */
export const SAMPLES: Record<string, Sample> = {
  account_threshold: {
    title: 'Balance below $100.00',
    message: 'Your checking account balance is below $100.00. Current balance: $84.12',
    metadata: {
      alert_type: 'account_threshold',
      account_id: '00000000-0000-4000-8000-000000000001',
      account_name: 'checking account',
      balance: '84.12',
      currency: 'USD',
      threshold: '100.00',
      direction: 'below',
    },
  },
  goal_milestone: {
    title: 'Goal 75% reached',
    message: "Your goal 'Emergency fund' has reached 80% completion!",
    metadata: {
      alert_type: 'goal',
      goal_id: '00000000-0000-4000-8000-000000000002',
      goal_name: 'Emergency fund',
      milestone: 75,
      progress: 80,
      current_amount: '4000.00',
      target_amount: '5000.00',
      currency: 'USD',
    },
  },
  budget_alert: {
    title: 'Budget at 90%',
    message: "Your 'Groceries' budget is at 90% ($450.00 of $500.00)",
    metadata: {
      alert_type: 'spending_target',
      budget_id: '00000000-0000-4000-8000-000000000003',
      budget_name: 'Groceries',
      period: '2026-12',
      percent: 90,
      threshold: 90,
      spent: '450.00',
      amount: '500.00',
      currency: 'USD',
    },
  },
  large_transaction: {
    title: 'Large transaction',
    message: 'Large transaction detected: Best Electronics for $1,250.00 exceeds your limit of $1,000.00',
    metadata: {
      alert_type: 'transaction_limit',
      transaction_id: '00000000-0000-4000-8000-000000000004',
      amount: '-1250.00',
      limit: '1000.00',
      currency: 'USD',
      merchant_name: 'Best Electronics',
    },
  },
  merchant_activity: {
    title: 'Coffee House transaction',
    message: 'Transaction detected: Coffee House for $4.50',
    metadata: {
      alert_type: 'merchant_name',
      transaction_id: '00000000-0000-4000-8000-000000000005',
      merchant_name: 'Coffee House',
      amount: '-4.50',
      currency: 'USD',
    },
  },
  merchant_digest: {
    title: 'coffee: 3 transactions',
    message: 'Daily digest for 2026-12-03: 3 transactions at Coffee House for $13.50',
    metadata: {
      alert_type: 'merchant_name',
      day: '2026-12-03',
      count: 3,
      total: '13.50',
      currency: 'USD',
      merchants: ['Coffee House'],
    },
  },
  bill_reminder: {
    title: 'Electricity due in 3 days',
    message: "Bill 'Electricity' for $120.00 is due in 3 days",
    metadata: {
      alert_type: 'upcoming_bill',
      bill_id: '00000000-0000-4000-8000-000000000006',
      bill_name: 'Electricity',
      due_date: '2026-12-07',
      days_until_due: 3,
      amount: '120.00',
      currency: 'USD',
    },
  },
};
const GENERIC_SAMPLE: Sample = {
  title: 'Sample notification',
  message: 'This is how your message reads.',
  metadata: {},
};
export const sampleFor = (kind: string): Sample => SAMPLES[kind] ?? GENERIC_SAMPLE;

/**
 * What one render may spend. Block iterations (`each`, `with`, a block over an array) are counted
 * across the whole message, so nested loops over a large array cannot hold the event loop (three
 * nested `each` over 2,000 items is 8·10⁹ iterations); nesting and output are bounded too.
 */
export const RENDER_BUDGET = { iterations: 10_000, depth: 8, outputChars: 1_000_000 } as const;

/** A template that would cost more than RENDER_BUDGET: a 422 for a preview, a failed delivery. */
export class TemplateBudgetExceeded extends Error {
  override name = 'TemplateBudgetExceeded';
}

// Iterations left in the render under way: rendering is synchronous, so one counter serves.
let iterationsLeft = Infinity;
type BlockHelper = (this: unknown, ...args: unknown[]) => unknown;
const counted = (helper: BlockHelper): BlockHelper =>
  function (this: unknown, ...args: unknown[]) {
    const options = args[args.length - 1] as { fn: (...a: unknown[]) => string };
    const fn = options.fn;
    const tick = Object.assign((...a: unknown[]) => {
      if (--iterationsLeft < 0)
        throw new TemplateBudgetExceeded(
          `template takes more than ${RENDER_BUDGET.iterations} block iterations`,
        );
      return fn(...a);
    }, fn);
    args[args.length - 1] = { ...options, fn: tick };
    return helper.apply(this, args);
  };
// blockHelperMissing (a block over an array) calls helpers.each, so it is counted too.
hbs.registerHelper('each', counted(hbs.helpers.each as BlockHelper));
hbs.registerHelper('with', counted(hbs.helpers.with as BlockHelper));

// Saved versions only (drafts are compiled each time): a bounded cache, so no client can fill memory.
const compiled = new LRUCache<string, HandlebarsTemplateDelegate>({ max: 500 });
const compile = (source: string, escape: boolean, cache: boolean) => {
  const key = `${escape ? 'h' : 't'}:${source}`;
  let fn = compiled.get(key);
  if (!fn) {
    fn = hbs.compile(source, { noEscape: !escape, strict: false });
    if (cache) compiled.set(key, fn);
  }
  return fn;
};

/** Runs a compiled template within RENDER_BUDGET. */
function run(fn: HandlebarsTemplateDelegate, vars: Record<string, unknown>): string {
  iterationsLeft = RENDER_BUDGET.iterations;
  try {
    const out = fn(vars);
    if (out.length > RENDER_BUDGET.outputChars)
      throw new TemplateBudgetExceeded(`message is longer than ${RENDER_BUDGET.outputChars} characters`);
    return out;
  } finally {
    iterationsLeft = Infinity;
  }
}

/** Plain text from the HTML body: links as `label: url`, tags dropped, paragraphs as blank lines. */
const toText = (html: string) =>
  html
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>(.*?)<\/a>/gi, '$2: $1')
    .replace(/<\/(p|h\d|div)>\s*/gi, '\n\n')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    // Handlebars escapes & < > " ' ` = ; the text part carries them as written.
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(parseInt(dec, 10)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

/**
 * Renders a message for its channel: email gets escaped HTML and a plain-text part; SMS is plain
 * text cut to 160 characters with "..."; in-app is plain text.
 */
export function render(
  channel: Channel,
  template: Template,
  vars: Record<string, unknown>,
  o: { draft?: boolean } = {},
) {
  const cache = !o.draft;
  const subject = template.subject ? run(compile(template.subject, false, cache), vars).trim() : null;
  if (channel === 'email') {
    const html = run(compile(template.body, true, cache), vars);
    return { subject, html, text: toText(html) };
  }
  const text = run(compile(template.body, false, cache), vars).trim();
  if (channel === 'sms' && text.length > SMS_MAX)
    return { subject, html: null, text: `${text.slice(0, SMS_MAX - 3)}...` };
  return { subject, html: null, text };
}

/** A template's syntax error (or blocks nested deeper than RENDER_BUDGET.depth), or null when it compiles. */
export function templateError(source: string): string | null {
  try {
    hbs.precompile(source, { strict: false });
  } catch (err) {
    return (err as Error).message.split('\n')[0] ?? 'invalid template';
  }
  const depth = blockDepth(hbs.parse(source));
  return depth > RENDER_BUDGET.depth
    ? `blocks are nested ${depth} deep; at most ${RENDER_BUDGET.depth}`
    : null;
}

type Node = { type: string; program?: Node; inverse?: Node & { chained?: boolean }; body?: Node[] };
/** The deepest nesting of blocks ({{#…}}, {{#> …}}) in a parsed template; `{{else if}}` chains count once. */
function blockDepth(node: Node | undefined): number {
  if (!node) return 0;
  if (node.type === 'Program') return Math.max(0, ...(node.body ?? []).map(blockDepth));
  if (node.type !== 'BlockStatement' && node.type !== 'PartialBlockStatement') return 0;
  const chain = node.inverse?.chained ? blockDepth(node.inverse) : 0;
  const inner = Math.max(blockDepth(node.program), node.inverse?.chained ? 0 : blockDepth(node.inverse));
  return Math.max(inner + 1, chain);
}
