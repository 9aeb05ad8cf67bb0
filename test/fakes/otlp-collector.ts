import { startHttpFake } from './http-fake.js';

export type CollectedSpan = {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  service: string;
  attributes: Record<string, unknown>;
};

type OtlpValue = {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
};
type OtlpAttribute = { key: string; value: OtlpValue };
type OtlpExport = {
  resourceSpans: {
    resource: { attributes: OtlpAttribute[] };
    scopeSpans: {
      spans: {
        name: string;
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        attributes: OtlpAttribute[];
      }[];
    }[];
  }[];
};

const plain = (attrs: OtlpAttribute[] = []) =>
  Object.fromEntries(
    attrs.map((a) => [
      a.key,
      a.value.stringValue ?? a.value.intValue ?? a.value.boolValue ?? a.value.doubleValue,
    ]),
  );

/** An OpenTelemetry collector's OTLP/HTTP JSON trace endpoint, keeping what it receives. */
export async function startOtlpCollector() {
  const fake = await startHttpFake(() => ({ status: 200, body: {} }));
  const spans = (): CollectedSpan[] =>
    fake.requests
      .filter((r) => r.path === '/v1/traces')
      .flatMap((r) => (JSON.parse(r.body) as OtlpExport).resourceSpans)
      .flatMap((rs) =>
        rs.scopeSpans.flatMap((ss) =>
          ss.spans.map((s) => ({
            name: s.name,
            traceId: s.traceId,
            spanId: s.spanId,
            ...(s.parentSpanId && { parentSpanId: s.parentSpanId }),
            service: String(plain(rs.resource.attributes)['service.name']),
            attributes: plain(s.attributes),
          })),
        ),
      );
  return { url: fake.url, spans, close: fake.close };
}
