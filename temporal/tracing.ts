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
 * Temporal's OpenTelemetry interceptors, installed in every client and worker whether or not
 * traces are exported: with no collector the global tracer is a no-op, and workflow code (and
 * the prebuilt bundles) need not differ between deployments that trace and those that don't.
 */
export const OTEL_WORKFLOW_INTERCEPTORS = createRequire(import.meta.url).resolve(
  '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors',
);

/** StartWorkflow/SignalWorkflow spans, with the caller's context passed on in the workflow's headers. */
export const tracingClientInterceptors = () => ({ workflow: [new OpenTelemetryWorkflowClientInterceptor()] });

/** RunWorkflow and RunActivity spans; workflow spans leave the sandbox through the `exporter` sink. */
export function tracingWorkerOptions(
  tracing: Pick<Tracing, 'spanProcessor' | 'resource'>,
  opts: { inBundle?: boolean } = {},
): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  return {
    interceptors: {
      // A prebuilt bundle already carries them (writeWorkflowBundle).
      workflowModules: opts.inBundle ? [] : [OTEL_WORKFLOW_INTERCEPTORS],
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}
