import { createHash, timingSafeEqual } from 'node:crypto';
import { ServiceError, type Client } from '@temporalio/client';
import { ConnectionError } from 'slonik';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import type { Db } from '../db/pool.js';
import { paymentsProvider, type Config } from '../lib/config.js';
import { InvalidCursorError } from '../lib/pagination.js';
import { SessionService } from './auth/sessions.js';
import { TokenService } from './auth/tokens.js';
import {
  ConflictError,
  InvalidReferenceError,
  UnprocessableFieldError,
  NotFoundError,
  UnprocessableError,
} from '../lib/domain-errors.js';
import { allowedMethods } from './allowed-methods.js';
import { ApiError, notFound, unauthorized, unprocessable } from './errors.js';
import { createAuthenticator } from './middleware/auth.js';
import { redactUrl, requestContext } from './middleware/request-context.js';
import { Revocations } from './auth/revocations.js';
import { codecRoutes } from './routes/codec.js';
import { consoleRoutes } from './console.js';
import { docsRoutes } from './docs.js';
import type { PayloadCodec } from '@temporalio/common';
import { newRouter } from './router.js';
import type { EventHub } from './event-hub.js';
import type { AppEnv } from './env.js';
import { accountRoutes } from './routes/accounts.js';
import { cardRoutes } from './routes/cards.js';
import { caseRoutes } from './routes/cases.js';
import { disputeRoutes } from './routes/disputes.js';
import { alertRoutes } from './routes/alerts.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { auditRoutes } from './routes/audit.js';
import { contactRoutes, inboundSmsRoute } from './routes/contact.js';
import { customerRoutes } from './routes/customers.js';
import { devOutboxRoutes } from './routes/dev-outbox.js';
import { notificationTemplateRoutes } from './routes/notification-templates.js';
import { notificationRoutes } from './routes/notifications.js';
import { deliveryAdminRoutes } from './routes/deliveries-admin.js';
import { preferenceRoutes } from './routes/preferences.js';
import { providerHealthRoutes } from './routes/provider-health.js';
import { privacyRoutes } from './routes/privacy.js';
import { rulesAdminRoutes } from './routes/rules/admin.js';
import { alertRuleRoutes } from './routes/rules/alert-rules.js';
import { billRoutes } from './routes/rules/bills.js';
import { budgetRoutes } from './routes/rules/budgets.js';
import { goalRoutes } from './routes/rules/goals.js';
import { workflowAdminRoutes } from './routes/workflows-admin.js';
import { clientIp, limitPerMinute, PostgresRateLimitStore } from './rate-limit.js';
import { trustedProxies } from './client-address.js';
import { createMetrics } from './metrics.js';
import { streamRoutes } from './routes/stream.js';
import { transactionRoutes } from './routes/transactions.js';
import { webhookRoutes } from './routes/webhooks.js';
import { paymentsFromConfig } from '../activities/bail/providers/index.js';
import { PaymentProviderUnavailable } from '../activities/bail/providers/types.js';
import { authRoutes } from './routes/auth.js';
import { diagnosticsRoutes } from './routes/diagnostics.js';
import { healthRoutes } from './routes/health.js';
import { organizationRoutes } from './routes/organization.js';
import { userRoutes } from './routes/users.js';
import { httpInstrumentationMiddleware } from '@hono/otel';
import { trace } from '@opentelemetry/api';
import { ATTR_URL_FULL } from '@opentelemetry/semantic-conventions';
import { encryptionAdminRoutes } from './routes/encryption-admin.js';
import { appearanceRoutes } from './routes/bail/appearances.js';
import { bondRoutes } from './routes/bail/bonds.js';
import { bailClientRoutes } from './routes/bail/clients.js';
import { collateralRoutes } from './routes/bail/collateral.js';
import { documentRoutes } from './routes/bail/documents.js';
import { paymentPlanRoutes } from './routes/bail/payment-plans.js';
import { paymentRoutes } from './routes/bail/payments.js';
import { bailWebhookRoutes } from './routes/bail/provider-webhooks.js';
import { bailTaskRoutes } from './routes/bail/tasks.js';
import { bailSettingsRoutes } from './routes/bail/settings.js';
import { interactionRoutes } from './routes/insights/interactions.js';
import { patternRoutes } from './routes/insights/patterns.js';
import { insightRoutes } from './routes/insights/trends.js';
import { vaderModel } from '../lib/insights/sentiment.js';
import type { FieldCipher } from '../lib/field-encryption.js';
import type { ScreeningThresholds } from '../workflows/triage/screening.js';

export type AppDeps = {
  config: Pick<
    Config,
    | 'JWT_ISSUER'
    | 'ACCESS_TOKEN_TTL_SECONDS'
    | 'REFRESH_TOKEN_TTL_SECONDS'
    | 'CORS_ORIGINS'
    | 'BODY_LIMIT_BYTES'
    | 'TASK_QUEUE_PREFIX'
  > & {
    NODE_ENV?: Config['NODE_ENV'];
    SENDGRID_WEBHOOK_PUBLIC_KEY?: string | undefined;
    TWILIO_AUTH_TOKEN?: string | undefined;
    /** The deployment's shared sending number: no organisation may claim it. */
    TWILIO_FROM?: string | undefined;
    PUBLIC_URL?: string | undefined;
    LINK_SIGNING_KEY?: string | undefined;
    JWT_SECRET: string;
    CARD_HASH_KEY: string;
    TEMPORAL_UI_URL?: string | undefined;
    STUCK_MIN_ATTEMPTS?: number | undefined;
    STUCK_IDLE_MINUTES?: number | undefined;
    RATE_LIMIT_PER_USER?: number | undefined;
    RATE_LIMIT_PER_IP?: number | undefined;
    RATE_LIMIT_LOGIN_PER_IP?: number | undefined;
    TRUSTED_PROXIES?: string | undefined;
    METRICS_TOKEN?: string | undefined;
    METRICS_CACHE_SECONDS?: number | undefined;
    SESSION_MAX_AGE_SECONDS?: number | undefined;
    REVOCATION_POLL_MS?: number | undefined;
    OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
    SCREENING_THRESHOLDS?: Partial<ScreeningThresholds> | undefined;
    STRIPE_SECRET_KEY?: string | undefined;
    PAYMENTS_PROVIDER?: Config['PAYMENTS_PROVIDER'];
    STRIPE_WEBHOOK_SECRET?: string | undefined;
    STRIPE_API_BASE?: string | undefined;
    DOCUSIGN_CONNECT_HMAC_KEY?: string | undefined;
  };
  db: Db;
  /** Seals and opens national ids and dates of birth (ENCRYPTION_KEYS). */
  cipher: FieldCipher;
  temporal: Client;
  /** Opens encrypted payloads for the codec endpoint (temporal/payload-codec.ts), when encryption is on. */
  codec?: PayloadCodec | undefined;
  log: Logger;
  /** Serves the SSE streams; without it they answer 503. */
  hub?: EventHub;
  /** The built console (web/dist), served at /; without it, / is the API's 404. */
  consoleDir?: string | undefined;
};

export const API_BASE = '/api/v1';

/** The OpenAPI document's header (served at /api/v1/openapi.json; scripts/gen-web-api.ts reads it too). */
export const OPENAPI_CONFIG = {
  openapi: '3.1.0',
  info: {
    title: 'Sentinel API',
    version: '1',
    description:
      'Fintech operations on Temporal. Errors: { error: { code, message, details?, requestId } }. ' +
      'A 400 is input this document refuses, with the field paths; text never holds U+0000. A 422 is ' +
      'input this document allows that names a record your organisation does not have, or that ' +
      'cannot be processed now (details name the fields). A method a path does not declare is a 405 ' +
      'with Allow.',
  },
};

/** Whether two secrets match, in time that does not depend on where they differ. */
const sameSecret = (given: string, expected: string) =>
  timingSafeEqual(
    createHash('sha256').update(given).digest(),
    createHash('sha256').update(expected).digest(),
  );

/** Which dependency an error says is unreachable, if any: those answer 503, not 500. */
function dependencyDown(err: unknown): string | undefined {
  if (err instanceof ConnectionError) return 'The database';
  if (err instanceof PaymentProviderUnavailable) return 'The payment provider';
  const cause = err instanceof ServiceError ? err.cause : undefined;
  if (cause && typeof cause === 'object' && 'code' in cause && (cause.code === 14 || cause.code === 4)) {
    return 'Temporal'; // gRPC UNAVAILABLE or DEADLINE_EXCEEDED
  }
  return undefined;
}

/** The Hono app: middleware, every context's routes, the OpenAPI document and the docs page. */
export function createApp(deps: AppDeps) {
  const { config, db, log } = deps;
  const tokens = new TokenService(config.JWT_SECRET, config.JWT_ISSUER, config.ACCESS_TOKEN_TTL_SECONDS);
  const sessions = new SessionService(
    db,
    tokens,
    config.REFRESH_TOKEN_TTL_SECONDS,
    config.SESSION_MAX_AGE_SECONDS ?? 30 * 24 * 3600,
  );
  const revocations = new Revocations(db, {
    pollMs: config.REVOCATION_POLL_MS ?? 2000,
    windowSeconds: config.ACCESS_TOKEN_TTL_SECONDS + 60,
    log,
  });
  const authenticate = createAuthenticator({ db, tokens, revocations });

  const app = newRouter();
  // With tracing on (lib/tracing.ts), a server span per request; outermost so the request's log
  // line and the workflows it starts share its trace.
  if (config.OTEL_EXPORTER_OTLP_ENDPOINT) {
    app.use('*', httpInstrumentationMiddleware({ captureActiveRequests: false }));
    app.use('*', async (c, next) => {
      trace.getActiveSpan()?.setAttribute(ATTR_URL_FULL, redactUrl(c.req.url));
      await next();
    });
  }
  const metrics = createMetrics({
    db,
    temporal: deps.temporal,
    taskQueuePrefix: config.TASK_QUEUE_PREFIX,
    cacheMs: config.METRICS_CACHE_SECONDS === undefined ? undefined : config.METRICS_CACHE_SECONDS * 1000,
  });
  // Request limits per client address, per caller (user or API key) and for logins, shared by
  // every replica through Postgres.
  const limits = new PostgresRateLimitStore(db, config.TASK_QUEUE_PREFIX);
  const limitCaller = limitPerMinute(limits, 'caller', config.RATE_LIMIT_PER_USER ?? 100, (c) => {
    const p = c.get('principal');
    return `${p.actorType}:${p.actorId}`;
  });
  app.use(
    '*',
    requestContext({
      log,
      observe: metrics.observe,
      vars: { authenticate, limitCaller },
      trustedProxies: trustedProxies(config.TRUSTED_PROXIES),
    }),
  );
  const corsForBrowsers = cors({
    origin: config.CORS_ORIGINS,
    allowHeaders: [
      'Authorization',
      'Content-Type',
      'X-API-Key',
      'X-Request-ID',
      'Idempotency-Key',
      'Last-Event-ID',
      // The Temporal Web UI's codec requests
      'X-Namespace',
    ],
    exposeHeaders: ['X-Request-ID', 'X-Client-Request-ID', 'Retry-After'],
    maxAge: 600,
  });
  // Only a browser's cross-origin request carries Origin (hono's cors writes to c.res before the
  // handler runs, which makes every answer build its Response twice).
  const corsHeaders: MiddlewareHandler<AppEnv> = (c, next) =>
    c.req.header('origin') ? corsForBrowsers(c, next) : next();
  app.use('*', corsHeaders);
  app.on(
    ['POST', 'PUT', 'PATCH', 'DELETE'],
    [`${API_BASE}/*`, '/webhooks/*'],
    bodyLimit({
      maxSize: config.BODY_LIMIT_BYTES,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', `The body exceeds ${config.BODY_LIMIT_BYTES} bytes`);
      },
    }),
  );

  app.use(`${API_BASE}/*`, limitPerMinute(limits, 'ip', config.RATE_LIMIT_PER_IP ?? 1000, clientIp));
  app.on(
    'POST',
    [`${API_BASE}/auth/login`, `${API_BASE}/auth/reset-password`],
    limitPerMinute(limits, 'login', config.RATE_LIMIT_LOGIN_PER_IP ?? 5, clientIp),
  );

  app.get('/metrics', async (c) => {
    // Open unless METRICS_TOKEN is set (production requires it); then the scraper sends it as a
    // bearer token, compared in constant time.
    if (
      config.METRICS_TOKEN &&
      !sameSecret(c.req.header('authorization') ?? '', `Bearer ${config.METRICS_TOKEN}`)
    ) {
      throw unauthorized('Send the metrics token as Authorization: Bearer <token>');
    }
    return c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType });
  });
  app.route('/', healthRoutes({ db, temporal: deps.temporal }));
  app.route(
    API_BASE,
    authRoutes({
      db,
      sessions,
      revocations,
      secureCookies: config.NODE_ENV === 'production',
      refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
      trustedOrigins: [
        ...config.CORS_ORIGINS,
        ...(config.PUBLIC_URL ? [new URL(config.PUBLIC_URL).origin] : []),
      ],
    }),
  );
  app.route(API_BASE, userRoutes({ db, revocations }));
  app.route(API_BASE, organizationRoutes({ db, sharedSmsNumber: config.TWILIO_FROM }));
  app.route(API_BASE, apiKeyRoutes({ db, revocations }));
  const workflows = { db, temporal: deps.temporal, taskQueuePrefix: config.TASK_QUEUE_PREFIX, log: deps.log };
  app.route(API_BASE, diagnosticsRoutes(workflows));
  app.route(API_BASE, customerRoutes({ db, cipher: deps.cipher }));
  app.route(API_BASE, transactionRoutes({ ...workflows, thresholds: config.SCREENING_THRESHOLDS }));
  app.route(API_BASE, alertRoutes(workflows));
  app.route(API_BASE, caseRoutes(workflows));
  app.route(API_BASE, cardRoutes({ ...workflows, cardHashKey: config.CARD_HASH_KEY }));
  app.route(API_BASE, accountRoutes(workflows));
  app.route(API_BASE, disputeRoutes(workflows));
  const notify = { ...workflows, production: config.NODE_ENV === 'production' };
  app.route(API_BASE, notificationRoutes(notify));
  app.route(API_BASE, deliveryAdminRoutes(notify));
  app.route(API_BASE, preferenceRoutes(notify));
  app.route(API_BASE, notificationTemplateRoutes(notify));
  app.route(API_BASE, providerHealthRoutes(notify));
  app.route(API_BASE, devOutboxRoutes(notify));
  app.route(API_BASE, privacyRoutes({ db, cipher: deps.cipher }));
  app.route(API_BASE, goalRoutes(workflows));
  app.route(API_BASE, budgetRoutes(workflows));
  app.route(API_BASE, billRoutes(workflows));
  app.route(API_BASE, alertRuleRoutes(workflows));
  app.route(API_BASE, rulesAdminRoutes(workflows));
  app.route(API_BASE, interactionRoutes({ db, sentiment: vaderModel }));
  app.route(API_BASE, insightRoutes({ db }));
  app.route(API_BASE, patternRoutes({ db }));
  app.route(API_BASE, bailClientRoutes({ db, cipher: deps.cipher }));
  app.route(API_BASE, bondRoutes({ ...workflows, cipher: deps.cipher }));
  app.route(API_BASE, appearanceRoutes(workflows));
  app.route(API_BASE, collateralRoutes({ db }));
  app.route(API_BASE, paymentRoutes({ db, payments: paymentsFromConfig(config) }));
  app.route(
    API_BASE,
    paymentPlanRoutes({ ...workflows, cardPayments: paymentsProvider(config) !== 'manual' }),
  );
  app.route(API_BASE, documentRoutes(notify));
  app.route(API_BASE, bailTaskRoutes({ db }));
  app.route(API_BASE, bailSettingsRoutes({ db }));
  app.route(API_BASE, encryptionAdminRoutes({ ...workflows, cipher: deps.cipher }));
  app.route(
    API_BASE,
    workflowAdminRoutes({
      db,
      temporal: deps.temporal,
      uiUrl: config.TEMPORAL_UI_URL ?? 'http://127.0.0.1:8233',
      stuck: { minAttempts: config.STUCK_MIN_ATTEMPTS ?? 5, idleMinutes: config.STUCK_IDLE_MINUTES ?? 30 },
    }),
  );
  app.route(API_BASE, streamRoutes({ db, hub: deps.hub, revocations }));
  app.route(API_BASE, auditRoutes({ db }));
  app.route(API_BASE, codecRoutes({ db, codec: deps.codec }));
  app.route(API_BASE, contactRoutes({ ...workflows, linkKey: config.LINK_SIGNING_KEY ?? config.JWT_SECRET }));
  app.route(
    '/',
    inboundSmsRoute({
      db,
      temporal: deps.temporal,
      twilioAuthToken: config.TWILIO_AUTH_TOKEN,
      publicUrl: config.PUBLIC_URL,
    }),
  );
  app.route(
    '/',
    webhookRoutes({
      db,
      temporal: deps.temporal,
      sendgridPublicKey: config.SENDGRID_WEBHOOK_PUBLIC_KEY,
      twilioAuthToken: config.TWILIO_AUTH_TOKEN,
      publicUrl: config.PUBLIC_URL,
    }),
  );
  app.route(
    '/',
    bailWebhookRoutes({
      ...workflows,
      stripeWebhookSecret: config.STRIPE_WEBHOOK_SECRET,
      docusignHmacKey: config.DOCUSIGN_CONNECT_HMAC_KEY,
    }),
  );

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
  });
  app.doc31(`${API_BASE}/openapi.json`, OPENAPI_CONFIG);
  app.route('/', docsRoutes(`${API_BASE}/openapi.json`));
  if (deps.consoleDir) app.route('/', consoleRoutes(deps.consoleDir));

  let allowed: ((path: string) => string[]) | undefined;
  app.notFound((c) => {
    // Built on the first miss, when every route is registered.
    allowed ??= allowedMethods(app.routes);
    const methods = allowed(c.req.path);
    if (methods.length)
      throw new ApiError(
        405,
        'method_not_allowed',
        `${c.req.method} is not allowed on ${c.req.path}; it answers ${methods.join(', ')}`,
        undefined,
        { Allow: methods.join(', ') },
      );
    throw new ApiError(404, 'not_found', `No route for ${c.req.method} ${c.req.path}`);
  });

  app.onError((err, c) => {
    const requestId = c.get('requestId');
    let apiError: ApiError;
    if (err instanceof ApiError) {
      apiError = err;
    } else if (err instanceof HTTPException && err.status < 500) {
      // Hono's own 4xx: chiefly a body that is not valid JSON.
      const malformed = /json/i.test(err.message);
      apiError = new ApiError(
        err.status === 400 ? 400 : (err.status as ApiError['status']),
        malformed ? 'malformed_json' : 'bad_request',
        malformed ? 'The request body is not valid JSON' : err.message || 'Bad request',
      );
    } else if (err instanceof ConflictError) {
      apiError = new ApiError(409, 'conflict', err.message);
    } else if (err instanceof UnprocessableError) {
      apiError = new ApiError(422, 'unprocessable', err.message);
    } else if (err instanceof NotFoundError) {
      apiError = notFound(err.what);
    } else if (err instanceof UnprocessableFieldError) {
      // Valid as the document says, but naming a record this organisation does not have, or a
      // value no schema can check (a card number's check digit).
      apiError = unprocessable(
        [{ path: err.field, message: err.message, code: err.code }],
        err instanceof InvalidReferenceError ? 'The request names records you do not have' : undefined,
      );
    } else if (err instanceof InvalidCursorError) {
      // Of the documented form, but not a cursor this server gave out.
      apiError = unprocessable(
        [{ path: 'query.cursor', message: 'invalid cursor', code: 'custom' }],
        'The cursor is not one this list gave out',
      );
    } else if (dependencyDown(err)) {
      (c.get('log') ?? log).warn({ err }, 'dependency unavailable');
      apiError = new ApiError(
        503,
        'service_unavailable',
        `${dependencyDown(err)} is unavailable; retry shortly`,
        undefined,
        {
          'Retry-After': '5',
        },
      );
    } else {
      (c.get('log') ?? log).error({ err }, 'unhandled error');
      apiError = new ApiError(
        500,
        'internal_error',
        'Something went wrong on our side; quote the request id',
      );
    }
    for (const [k, v] of Object.entries(apiError.headers ?? {})) c.header(k, v);
    return c.json(
      {
        error: {
          code: apiError.code,
          message: apiError.message,
          ...(apiError.details !== undefined && { details: apiError.details }),
          requestId,
        },
      },
      apiError.status,
    );
  });

  return app;
}

export type App = ReturnType<typeof createApp>;
