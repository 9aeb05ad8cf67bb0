import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { render } from '../../../lib/templates.js';
import { DEFAULT_TEMPLATES } from '../../../lib/templates.js';
import { RETRY, retryDelayMs } from '../../../workflows/notify/channels.js';
import { quietHoursEnd } from '../../../workflows/notify/quiet-hours.js';

const at = (iso: string) => Date.parse(iso);
const night = { start: '22:00', end: '08:00' };

describe('quiet hours', () => {
  it('holds a message sent at 23:00 local until 08:00 local', () => {
    const end = quietHoursEnd(at('2026-06-10T22:00:00Z'), { ...night, timezone: 'Europe/London' }); // 23:00 BST
    expect(new Date(end!).toISOString()).toBe('2026-06-11T07:00:00.000Z'); // 08:00 BST
  });

  it('lets a message through outside the window', () => {
    expect(quietHoursEnd(at('2026-06-10T12:00:00Z'), { ...night, timezone: 'Europe/London' })).toBeNull();
    expect(quietHoursEnd(at('2026-06-10T07:00:00Z'), { ...night, timezone: 'Europe/London' })).toBeNull(); // 08:00 sharp
  });

  it('follows the customer’s clock across the spring-forward night', () => {
    // New York, 7 March 2026 23:00 EST; clocks jump to EDT at 02:00 on the 8th.
    const end = quietHoursEnd(at('2026-03-08T04:00:00Z'), { ...night, timezone: 'America/New_York' });
    expect(new Date(end!).toISOString()).toBe('2026-03-08T12:00:00.000Z'); // 08:00 EDT, 8 real hours later
  });

  it('follows the customer’s clock across the fall-back night', () => {
    // New York, 31 October 2026 23:00 EDT; clocks fall back to EST at 02:00 on 1 November.
    const end = quietHoursEnd(at('2026-11-01T03:00:00Z'), { ...night, timezone: 'America/New_York' });
    expect(new Date(end!).toISOString()).toBe('2026-11-01T13:00:00.000Z'); // 08:00 EST, 10 real hours later
  });

  it('handles a window within one day, and an early-morning message in an overnight window', () => {
    expect(
      new Date(
        quietHoursEnd(at('2026-06-10T13:30:00Z'), { start: '13:00', end: '14:00', timezone: 'UTC' })!,
      ).toISOString(),
    ).toBe('2026-06-10T14:00:00.000Z');
    expect(
      new Date(quietHoursEnd(at('2026-06-10T03:00:00Z'), { ...night, timezone: 'UTC' })!).toISOString(),
    ).toBe('2026-06-10T08:00:00.000Z');
  });

  it('always ends a hold in the future, within a day, outside the window', () => {
    const zones = ['UTC', 'Europe/London', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata'];
    fc.assert(
      fc.property(
        fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2027-12-31T00:00:00Z') }),
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 23 }),
        (now, timezone, sh, eh) => {
          fc.pre(sh !== eh);
          const q = {
            start: `${String(sh).padStart(2, '0')}:00`,
            end: `${String(eh).padStart(2, '0')}:00`,
            timezone,
          };
          const end = quietHoursEnd(now, q);
          if (end === null) return;
          expect(end).toBeGreaterThan(now);
          expect(end - now).toBeLessThanOrEqual(25 * 3600_000);
          expect(quietHoursEnd(end, q)).toBeNull();
        },
      ),
    );
  });
});

describe('templates', () => {
  const vars = {
    title: 'Card <frozen>',
    message: 'We froze card ****4242 & will call you.',
    customer: { first_name: 'Jo' },
    org: { name: 'Demo Bank' },
  };

  it('escapes HTML in email and adds a plain-text part', () => {
    const m = render('email', DEFAULT_TEMPLATES.email, vars);
    expect(m.subject).toBe('Card <frozen>');
    expect(m.html).toContain('We froze card ****4242 &amp; will call you.');
    expect(m.html).not.toContain('<frozen>');
    expect(m.text).toBe('Hello Jo,\n\nWe froze card ****4242 & will call you.\n\n— Demo Bank');
  });

  it('keeps links whole in the text part', () => {
    const m = render('email', DEFAULT_TEMPLATES.email, {
      ...vars,
      message: 'Answer: https://x.test/a?answer=yes&b=`1`',
    });
    expect(m.html).toContain('answer&#x3D;yes&amp;b&#x3D;&#x60;1&#x60;');
    expect(m.text).toContain('Answer: https://x.test/a?answer=yes&b=`1`');
  });

  it('cuts SMS to 160 characters with "..."', () => {
    const long = render('sms', DEFAULT_TEMPLATES.sms, { ...vars, message: 'x'.repeat(300) });
    expect(long.text).toHaveLength(160);
    expect(long.text.endsWith('...')).toBe(true);
    expect(render('sms', DEFAULT_TEMPLATES.sms, vars).text).toBe(
      'Card <frozen>: We froze card ****4242 & will call you.',
    );
  });
});

describe('retry delays', () => {
  it('back off per channel within ±20 % and the cap', () => {
    expect(retryDelayMs('email', 1, 0.5)).toBe(1000);
    expect(retryDelayMs('email', 3, 0.5)).toBe(4000);
    expect(retryDelayMs('sms', 2, 0.5)).toBe(6000);
    expect(retryDelayMs('email', 20, 0.999)).toBeLessThanOrEqual(RETRY.email.maximumMs * 1.2);
    expect(retryDelayMs('sms', 1, 0)).toBe(1600);
  });
});
