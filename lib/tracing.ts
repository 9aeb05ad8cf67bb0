import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/**
 * Traces over OTLP/HTTP when an endpoint is configured. The API, the Temporal client and the
 * workers share one W3C trace: HTTP span → StartWorkflow → RunWorkflow → StartActivity →
 * RunActivity (Temporal's OpenTelemetry interceptors carry the context in workflow headers).
 * Without an endpoint nothing is registered and every span is a no-op.
 */
export type Tracing = {
  enabled: boolean;
  resource: Resource;
  /** Also receives the spans workflows export through the worker's sink. */
  spanProcessor: SpanProcessor;
  shutdown(): Promise<void>;
};

export function startTracing(opts: { endpoint?: string | undefined; serviceName: string }): Tracing {
  const resource = new Resource({ [ATTR_SERVICE_NAME]: opts.serviceName });
  if (!opts.endpoint) {
    return { enabled: false, resource, spanProcessor: new NoopSpanProcessor(), shutdown: async () => {} };
  }
  // The endpoint is the collector's base URL, as OTEL_EXPORTER_OTLP_ENDPOINT is in every SDK.
  const exporter = new OTLPTraceExporter({ url: `${opts.endpoint.replace(/\/+$/, '')}/v1/traces` });
  const spanProcessor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // Global provider, AsyncLocalStorage context manager and W3C trace-context propagator.
  provider.register();
  return { enabled: true, resource, spanProcessor, shutdown: () => provider.shutdown() };
}

/** The active span's ids for a log line, so a log search lands on the trace and back. */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan()?.spanContext();
  return span && trace.isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : {};
}
