import Handlebars from 'handlebars';
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

const compiled = new Map<string, HandlebarsTemplateDelegate>();
const compile = (source: string, escape: boolean) => {
  const key = `${escape ? 'h' : 't'}:${source}`;
  let fn = compiled.get(key);
  if (!fn) {
    fn = Handlebars.compile(source, { noEscape: !escape, strict: false });
    compiled.set(key, fn);
  }
  return fn;
};

/** Plain text from the HTML body: links as `label: url`, tags dropped, paragraphs as blank lines. */
const toText = (html: string) =>
  html
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>(.*?)<\/a>/gi, '$2: $1')
    .replace(/<\/p>\s*/gi, '\n\n')
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
export function render(channel: Channel, template: Template, vars: Record<string, unknown>) {
  const subject = template.subject ? compile(template.subject, false)(vars).trim() : null;
  if (channel === 'email') {
    const html = compile(template.body, true)(vars);
    return { subject, html, text: toText(html) };
  }
  const text = compile(template.body, false)(vars).trim();
  if (channel === 'sms' && text.length > SMS_MAX)
    return { subject, html: null, text: `${text.slice(0, SMS_MAX - 3)}...` };
  return { subject, html: null, text };
}

/** A template's syntax error, or null when it compiles. */
export function templateError(source: string): string | null {
  try {
    Handlebars.precompile(source, { strict: false });
    return null;
  } catch (err) {
    return (err as Error).message.split('\n')[0] ?? 'invalid template';
  }
}
