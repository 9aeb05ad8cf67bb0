import { createRequire } from 'node:module';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import type { Tracing } from '../lib/tracing.js';

/**
 * Temporal's OpenTelemetry interceptors: in every client and activity whether or not traces are
 * exported (with no collector the global tracer is a no-op); in workflow code only when they are
 * (tracingWorkerOptions, and a traced and a plain prebuilt bundle).
 */
export const OTEL_WORKFLOW_INTERCEPTORS = createRequire(import.meta.url).resolve(
  '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors',
);

/** StartWorkflow/SignalWorkflow spans, with the caller's context passed on in the workflow's headers. */
export const tracingClientInterceptors = () => ({ workflow: [new OpenTelemetryWorkflowClientInterceptor()] });

/** RunWorkflow and RunActivity spans; workflow spans leave the sandbox through the `exporter` sink. */
export function tracingWorkerOptions(
  tracing: Pick<Tracing, 'enabled' | 'spanProcessor' | 'resource'>,
  opts: { inBundle?: boolean } = {},
): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  return {
    interceptors: {
      // Workflow spans only when they are exported: in the sandbox the interceptors cost each
      // cached workflow about 2 MB. A prebuilt traced bundle already carries them.
      workflowModules: opts.inBundle || !tracing.enabled ? [] : [OTEL_WORKFLOW_INTERCEPTORS],
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    ...(tracing.enabled && {
      sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
    }),
  };
}
