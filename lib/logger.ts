import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { traceFields } from './tracing.js';

/** Paths pino removes from every log line: credentials and PII never reach the logs. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.password_hash',
  '*.refresh_token',
  '*.access_token',
  '*.email',
  '*.phone',
  '*.national_id',
  '*.date_of_birth',
  '*.card_number',
  'password',
  'email',
  'phone',
];

export function createLogger(
  opts: { level?: string; name?: string; destination?: DestinationStream } = {},
): Logger {
  const options: LoggerOptions = {
    name: opts.name ?? 'sentinel',
    level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: undefined,
    // Lines written inside a traced request or activity carry trace_id and span_id.
    mixin: traceFields,
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
