import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, productionProblems } from '../../lib/config.js';

describe('config', () => {
  it('applies defaults for a bare development environment', () => {
    const c = parseConfig({});
    expect(c.API_PORT).toBe(3000);
    expect(c.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(c.TEMPORAL_NAMESPACE).toBe('default');
    expect(c.CORS_ORIGINS).toEqual([]);
  });

  it('parses typed values', () => {
    const c = parseConfig({
      API_PORT: '8080',
      TEMPORAL_TLS: 'true',
      CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(c.API_PORT).toBe(8080);
    expect(c.TEMPORAL_TLS).toBe(true);
    expect(c.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
  });

  it('names each bad variable and what it expects', () => {
    let error: unknown;
    try {
      parseConfig({ API_PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.find((i) => i.startsWith('API_PORT:'))).toMatch(/number/i);
    expect(issues.find((i) => i.startsWith('DATABASE_URL:'))).toMatch(/postgres:\/\//);
    expect(issues.find((i) => i.startsWith('LOG_LEVEL:'))).toMatch(/info/);
  });

  it('requires secrets in production and never echoes them', () => {
    const prod = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x' };
    expect(productionProblems(parseConfig(prod), prod)).toContain('JWT_SECRET: is required in production');
    try {
      parseConfig({ JWT_SECRET: 'short-secret-value' });
      expect.unreachable();
    } catch (err) {
      expect((err as ConfigError).message).toMatch(/JWT_SECRET: .*32 characters/);
      expect((err as ConfigError).message).not.toContain('short-secret-value');
    }
  });

  it('treats empty strings as unset', () => {
    expect(parseConfig({ API_PORT: '', DATABASE_URL: '' }).API_PORT).toBe(3000);
  });

  it('fails closed in production, and when NODE_ENV is unset (issue 28 item 11)', () => {
    const keys = {
      DATABASE_URL: 'postgres://db/x',
      JWT_SECRET: 'j'.repeat(32),
      LINK_SIGNING_KEY: 'l'.repeat(32),
      CARD_HASH_KEY: 'c'.repeat(32),
      ENCRYPTION_KEYS: `1:${Buffer.alloc(32, 7).toString('base64')}`,
    };
    const problems = (env: Record<string, string>) => productionProblems(parseConfig(env), env);
    // Unset is production: keys alone are not enough.
    const bare = problems(keys);
    expect(bare.map((p) => p.split(':')[0])).toEqual([
      'METRICS_TOKEN',
      'PUBLIC_URL',
      'EMAIL_PROVIDER',
      'SMS_PROVIDER',
      'PAYMENTS_PROVIDER',
    ]);
    expect(problems({ ...keys, PUBLIC_URL: 'http://api.example.com' })[1]).toMatch(
      /^PUBLIC_URL: must be the https/,
    );
    const ready = {
      ...keys,
      METRICS_TOKEN: 'm'.repeat(32),
      PUBLIC_URL: 'https://api.example.com',
      EMAIL_PROVIDER: 'outbox',
      SMS_PROVIDER: 'outbox',
      PAYMENTS_PROVIDER: 'manual',
    };
    expect(problems(ready)).toEqual([]);
    expect(problems({ ...ready, PAYMENTS_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'sk_live_x' })).toEqual([
      'STRIPE_WEBHOOK_SECRET: is required with Stripe in production',
    ]);
    expect(problems({ ...ready, DOCUSIGN_BASE_URL: 'https://demo.docusign.net' })[0]).toMatch(/set all four/);
    expect(problems({ NODE_ENV: 'development' })).toEqual([]);
  });
});
