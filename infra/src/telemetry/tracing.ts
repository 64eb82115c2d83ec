import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { errorMessage } from "../errors.ts";
import { ATTR, SPAN } from "./attributes.ts";
import { otlpTraceExporter } from "./otlp-exporter.ts";

/** The tracer every Switchyard span comes from. */
export const TRACER_NAME = "switchyard";

/** Options of {@link initTelemetry}. */
export type TelemetryOptions = {
  /** `service.name` of every span, e.g. `coordinator`, `agent-researcher`. */
  service: string;
  instance?: string;
  /** Extra processors (tests pass an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
  /**
   * Default `process.env`: OTLP export is on when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `..._TRACES_ENDPOINT`) is set, in
   * the protocol `OTEL_EXPORTER_OTLP_PROTOCOL` names (`http/json`, the default, or `http/protobuf`).
   */
  env?: NodeJS.ProcessEnv;
};

/** Installed telemetry: `shutdown` flushes spans that are still buffered. */
export type Telemetry = { tracer: Tracer; shutdown(): Promise<void> };

/**
 * Installs a tracer provider, the async-local context manager and the W3C trace-context propagator. Spans are always
 * recorded (so every goal has a real trace id for its GoalResult and logs) and exported over OTLP/HTTP only when an
 * endpoint is configured — Jaeger, Tempo, Langfuse and any OpenTelemetry collector accept it.
 */
export function initTelemetry(opts: TelemetryOptions): Telemetry {
  const env = opts.env ?? process.env;
  const processors = [...(opts.spanProcessors ?? [])];
  if (env["OTEL_EXPORTER_OTLP_ENDPOINT"] || env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]) {
    processors.push(new BatchSpanProcessor(otlpTraceExporter(env)));
  }
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      "service.name": opts.service,
      "service.instance.id": opts.instance ?? `${process.pid}`,
    }),
    spanProcessors: processors,
  });
  trace.disable();
  context.disable();
  propagation.disable();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return { tracer: trace.getTracer(TRACER_NAME), shutdown: () => provider.shutdown() };
}

/** The Switchyard tracer (a no-op until {@link initTelemetry} ran). */
export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/** The context carried by `traceparent`/`tracestate` headers (or the active one when there are none). */
export function contextFromHeaders(headers: Record<string, string | undefined>): Context {
  return propagation.extract(context.active(), headers);
}

/** `traceparent` (and `tracestate`) for a span, to put in the headers of the message it sends. */
export function headersForSpan(span: Span): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  return carrier;
}

/** `traceparent` (and `tracestate`) of the active span, for a message sent from inside it (none outside a span). */
export function headersForActiveContext(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** The `traceparent` header value of a span. */
export function traceparentOf(span: Span): string | undefined {
  return headersForSpan(span)["traceparent"];
}

/** Options of {@link withSpan}. */
export type WithSpanOptions = { kind?: SpanKind; attributes?: Attributes; parent?: Context };

/**
 * Runs `fn` inside a new active span (child of `parent`, default the active context); records an exception and
 * error status if `fn` throws, and always ends the span.
 */
export async function withSpan<T>(name: string, opts: WithSpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = opts.parent ?? context.active();
  return tracer().startActiveSpan(
    name,
    { kind: opts.kind ?? SpanKind.INTERNAL, attributes: opts.attributes },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        span.recordException(err instanceof Error ? err : new Error(errorMessage(err)));
        span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(err) });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * Runs `fn` under the consumer span of one delivered message: a child of the publisher's span (the trace context in
 * the message's headers), with the messaging attributes and `attributes`.
 */
export function withDeliverySpan<T>(
  delivery: { subject: string; headers: Record<string, string | undefined> },
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return withSpan(
    SPAN.process(delivery.subject),
    {
      kind: SpanKind.CONSUMER,
      parent: contextFromHeaders(delivery.headers),
      attributes: {
        [ATTR.messagingSystem]: "nats",
        [ATTR.messagingDestination]: delivery.subject,
        [ATTR.messagingOperation]: "process",
        ...attributes,
      },
    },
    fn,
  );
}

export { SpanKind, SpanStatusCode };
export type { Span, Context };
