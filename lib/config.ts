import { z } from 'zod';
import { FieldCipher } from './field-encryption.js';

/**
 * Every environment variable Sentinel reads, parsed once at start. `.env.example` mirrors this.
 * A bad value stops the process with a message naming the variable (see ConfigError).
 */
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

export const configSchema = z
  .object({
    /**
     * Unset means production: the API and worker then refuse to start without real keys and
     * providers (productionProblems). `npm run dev` sets development; the test runner sets test.
     */
    NODE_ENV: z.enum(['development', 'test', 'production']).default('production'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    API_HOST: z.string().min(1).default('0.0.0.0'),
    API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    PUBLIC_URL: z.string().url().optional(),
    /** The built console the API serves at / (npm run build:web writes it). */
    CONSOLE_DIR: z.string().min(1).default('web/dist'),
    /** How long /metrics reuses a gauge's reading (deliveries, breakers, executions, backlogs). */
    METRICS_CACHE_SECONDS: z.coerce.number().min(0).max(300).default(15),
    /** The customer-facing app; emails' buttons lead there (/accounts/<id>, /goals/<id>, …). Unset: no button. */
    APP_URL: z.string().url().optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_API_KEY: z.string().min(1).optional(),
    TEMPORAL_TLS: bool.default('false'),
    /** Encrypt workflow payloads (AES-256-GCM, keys derived from ENCRYPTION_KEYS); decode through /api/v1/codec. */
    TEMPORAL_PAYLOAD_ENCRYPTION: bool.default('false'),
    TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
    TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
    TEMPORAL_UI_URL: z.string().url().default('http://127.0.0.1:8233'),
    TASK_QUEUE_PREFIX: z.string().default(''),
    /** /admin/workflows/stuck: a pending activity failed this many attempts, or idle this long. */
    STUCK_MIN_ATTEMPTS: z.coerce.number().int().min(1).default(5),
    STUCK_IDLE_MINUTES: z.coerce.number().int().min(1).default(30),
    /** Requests a minute: per signed-in user or API key, per client address, logins per address. */
    RATE_LIMIT_PER_USER: z.coerce.number().int().min(1).default(100),
    RATE_LIMIT_PER_IP: z.coerce.number().int().min(1).default(1000),
    RATE_LIMIT_LOGIN_PER_IP: z.coerce.number().int().min(1).default(5),
    /** Worker: the daily audit-retention schedule deletes audit events older than this. */
    AUDIT_RETENTION_DAYS: z.coerce
      .number()
      .int()
      .min(1)
      .default(7 * 365),
    /** Worker: the daily notification-retention schedule archives notifications older than this. */
    NOTIFICATION_RETENTION_DAYS: z.coerce.number().int().min(1).default(90),
    /** Worker: ... and deletes delivery records (attempts, outbox copies) older than this. */
    DELIVERY_RETENTION_DAYS: z.coerce.number().int().min(1).default(180),
    /** When set, GET /metrics asks for it as a bearer token. */
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    /** Worker only: where the Temporal SDK serves its Prometheus metrics (e.g. 0.0.0.0:9464); unset: off. */
    WORKER_METRICS_ADDRESS: z
      .string()
      .regex(/^[\w.:-]+:\d+$/, 'must be host:port')
      .optional(),
    /** OTLP/HTTP collector base URL (e.g. http://otel-collector:4318); traces are off when unset. */
    OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
    /** service.name on spans; default sentinel-api or sentinel-worker. */
    OTEL_SERVICE_NAME: z.string().min(1).optional(),
    /** Worker only: the contexts whose task queues this process serves (default: all). */
    WORKER_CONTEXTS: csv
      .pipe(z.array(z.enum(['platform', 'triage', 'notify', 'rules', 'bail', 'insights'])))
      .default(''),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    JWT_ISSUER: z.string().min(1).default('sentinel'),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).default(3600),
    REFRESH_TOKEN_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .default(7 * 24 * 3600),
    /** A session's absolute age: past it, refreshing fails and the user signs in again (30 days). */
    SESSION_MAX_AGE_SECONDS: z.coerce
      .number()
      .int()
      .min(300)
      .default(30 * 24 * 3600),
    /** How often each API replica reads new revocations (sessions, disabled users, API keys). */
    REVOCATION_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
    CORS_ORIGINS: csv.default(''),
    /**
     * Addresses of our own reverse proxies (comma-separated IPs): from them, the client's address is
     * read from X-Forwarded-For (rate limits, login throttling, audit). Unset: the peer's address.
     */
    TRUSTED_PROXIES: z.string().optional(),
    /** Signs the answer links sent to customers (API and worker need the same). Required in production. */
    LINK_SIGNING_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    /** HMAC key for card-number hashes (cards are found by hash, never stored whole). Required in production. */
    CARD_HASH_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    /**
     * Field encryption key ring, `<version>:<base64 32 bytes>` comma-separated; the first encrypts,
     * all decrypt (see lib/field-encryption.ts and RUNBOOK.md for rotation). Required in production.
     */
    ENCRYPTION_KEYS: z
      .string()
      .superRefine((v, ctx) => {
        try {
          FieldCipher.fromSpec(v);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      })
      .optional(),
    /** Partial JSON over DEFAULT_THRESHOLDS (workflows/triage/screening.ts), e.g. {"amountMultiplier":4}. */
    SCREENING_THRESHOLDS: z
      .string()
      .transform((v, ctx) => {
        try {
          return JSON.parse(v) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be JSON' });
          return z.NEVER;
        }
      })
      .pipe(
        z
          .object({
            historyDays: z.number().int().positive(),
            minHistory: z.number().int().min(0),
            amountMultiplier: z.number().positive(),
            minAnomalousAmount: z.number().min(0),
            velocityCount: z.number().int().positive(),
            velocityWindowMinutes: z.number().int().positive(),
            riskyCategories: z.array(z.string()),
            impossibleSpeedKmh: z.number().positive(),
            farFromUsualKm: z.number().positive(),
            cardNotPresentAmount: z.number().min(0),
          })
          .partial()
          .strict(),
      )
      .optional(),
    /** sendgrid when SENDGRID_API_KEY is set, else the local outbox. */
    EMAIL_PROVIDER: z.enum(['sendgrid', 'outbox']).optional(),
    SENDGRID_API_KEY: z.string().min(1).optional(),
    SENDGRID_FROM: z.string().email().optional(),
    SENDGRID_BASE_URL: z.string().url().optional(),
    /** The Event Webhook verification key (Mail Settings → Signed Event Webhook), base64. */
    SENDGRID_WEBHOOK_PUBLIC_KEY: z.string().min(1).optional(),
    /** twilio when TWILIO_ACCOUNT_SID is set, else the local outbox. */
    SMS_PROVIDER: z.enum(['twilio', 'outbox']).optional(),
    TWILIO_ACCOUNT_SID: z.string().min(1).optional(),
    TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
    TWILIO_FROM: z.string().min(1).optional(),
    TWILIO_BASE_URL: z.string().url().optional(),
    /** Bail payments through Stripe when set (test mode keys work); else the local provider. */
    STRIPE_SECRET_KEY: z.string().min(1).optional(),
    /**
     * Card payments: stripe (with STRIPE_SECRET_KEY), local (development: nothing leaves the
     * machine) or manual (no card charges at all: payments are recorded by hand). Default: stripe
     * when STRIPE_SECRET_KEY is set, else local; production refuses local.
     */
    PAYMENTS_PROVIDER: z.enum(['stripe', 'local', 'manual']).optional(),
    /** The webhook endpoint's signing secret (whsec_…), for POST /webhooks/stripe. */
    STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
    /** Another Stripe API host (a local fake in tests). */
    STRIPE_API_BASE: z.string().url().optional(),
    /** How long a Stripe request may take before it counts as unanswered (its payment stays pending). */
    STRIPE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).optional(),
    /** Bail e-signatures through DocuSign when all three are set; else the local provider. */
    DOCUSIGN_BASE_URL: z.string().url().optional(),
    DOCUSIGN_ACCOUNT_ID: z.string().min(1).optional(),
    DOCUSIGN_ACCESS_TOKEN: z.string().min(1).optional(),
    /** The Connect configuration's HMAC key, for POST /webhooks/docusign. */
    DOCUSIGN_CONNECT_HMAC_KEY: z.string().min(1).optional(),
    BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
  })
  .transform((c) => ({
    ...c,
    EMAIL_PROVIDER: c.EMAIL_PROVIDER ?? (c.SENDGRID_API_KEY ? ('sendgrid' as const) : ('outbox' as const)),
    SMS_PROVIDER: c.SMS_PROVIDER ?? (c.TWILIO_ACCOUNT_SID ? ('twilio' as const) : ('outbox' as const)),
  }))
  .superRefine((c, ctx) => {
    if (c.EMAIL_PROVIDER === 'sendgrid' && !(c.SENDGRID_API_KEY && c.SENDGRID_FROM)) {
      ctx.addIssue({
        code: 'custom',
        path: ['SENDGRID_API_KEY'],
        message: 'EMAIL_PROVIDER=sendgrid needs SENDGRID_API_KEY and SENDGRID_FROM',
      });
    }
    if (c.SMS_PROVIDER === 'twilio' && !(c.TWILIO_ACCOUNT_SID && c.TWILIO_AUTH_TOKEN && c.TWILIO_FROM)) {
      ctx.addIssue({
        code: 'custom',
        path: ['TWILIO_ACCOUNT_SID'],
        message: 'SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM',
      });
    }
    if (Boolean(c.TEMPORAL_TLS_CERT_PATH) !== Boolean(c.TEMPORAL_TLS_KEY_PATH)) {
      ctx.addIssue({
        code: 'custom',
        path: ['TEMPORAL_TLS_KEY_PATH'],
        message: 'TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH go together',
      });
    }
  });

export type Config = z.infer<typeof configSchema>;

/**
 * What keeps this configuration from running in production: the API and the worker refuse to
 * start while any is left (fail closed). Checked only where NODE_ENV is production (or unset).
 */
export function productionProblems(c: Config, env: Record<string, string | undefined>): string[] {
  if (c.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  const required = [
    'JWT_SECRET',
    'LINK_SIGNING_KEY',
    'CARD_HASH_KEY',
    'ENCRYPTION_KEYS',
    'DATABASE_URL',
  ] as const;
  for (const name of required) if (!c[name]) problems.push(`${name}: is required in production`);
  if (!c.METRICS_TOKEN)
    problems.push('METRICS_TOKEN: is required in production (/metrics is otherwise open)');
  if (!c.PUBLIC_URL?.startsWith('https://'))
    problems.push('PUBLIC_URL: must be the https address customers and providers reach in production');
  // A channel must be a real provider or be kept local on purpose, never by default.
  if (!env.EMAIL_PROVIDER && c.EMAIL_PROVIDER === 'outbox')
    problems.push(
      'EMAIL_PROVIDER: set SENDGRID_API_KEY and SENDGRID_FROM, or EMAIL_PROVIDER=outbox on purpose',
    );
  if (!env.SMS_PROVIDER && c.SMS_PROVIDER === 'outbox')
    problems.push(
      'SMS_PROVIDER: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM, or SMS_PROVIDER=outbox on purpose',
    );
  if (c.EMAIL_PROVIDER === 'sendgrid' && !c.SENDGRID_WEBHOOK_PUBLIC_KEY)
    problems.push('SENDGRID_WEBHOOK_PUBLIC_KEY: is required to verify SendGrid events in production');
  const payments = paymentsProvider(c);
  if (payments === 'local')
    problems.push('PAYMENTS_PROVIDER: set STRIPE_SECRET_KEY, or PAYMENTS_PROVIDER=manual (no card charges)');
  if (payments === 'stripe' && !c.STRIPE_WEBHOOK_SECRET)
    problems.push('STRIPE_WEBHOOK_SECRET: is required with Stripe in production');
  const docusign = [
    c.DOCUSIGN_BASE_URL,
    c.DOCUSIGN_ACCOUNT_ID,
    c.DOCUSIGN_ACCESS_TOKEN,
    c.DOCUSIGN_CONNECT_HMAC_KEY,
  ];
  if (docusign.some(Boolean) && !docusign.every(Boolean))
    problems.push(
      'DOCUSIGN_BASE_URL, DOCUSIGN_ACCOUNT_ID, DOCUSIGN_ACCESS_TOKEN and DOCUSIGN_CONNECT_HMAC_KEY: set all four, or none',
    );
  return problems;
}

/** Stops a production process whose configuration has problems, naming each (API and worker start). */
export function failClosed(c: Config, env: Record<string, string | undefined> = process.env): void {
  const problems = productionProblems(c, env);
  if (!problems.length) return;
  process.stderr.write(
    `Refusing to start in production (NODE_ENV=${env.NODE_ENV ?? 'unset'}):\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
      'For development use `npm run dev` (or NODE_ENV=development).\n',
  );
  process.exit(1);
}

/** Which payment provider the configuration names. */
export function paymentsProvider(c: Pick<Config, 'PAYMENTS_PROVIDER' | 'STRIPE_SECRET_KEY'>) {
  return c.PAYMENTS_PROVIDER ?? (c.STRIPE_SECRET_KEY ? 'stripe' : 'local');
}

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/sentinel';

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment; throws ConfigError whose lines name each bad variable and what it expects. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // Empty strings count as unset, as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => {
        const name = i.path.join('.') || '(environment)';
        const got = typeof cleaned[name] === 'string' ? ` (got "${cleaned[name]}")` : '';
        return `${name}: ${i.message}${name.includes('SECRET') || name.includes('KEY') ? '' : got}`;
      }),
    );
  }
  return result.data;
}

let cached: Config | undefined;

/** The process configuration; exits with a readable message when it is invalid. */
export function loadConfig(): Config {
  if (cached) return cached;
  try {
    cached = parseConfig(process.env);
    return cached;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every variable.\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
