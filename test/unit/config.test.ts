import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../lib/config.js';

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
    expect(() => parseConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x' })).toThrow(
      /JWT_SECRET: is required in production/,
    );
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
});
