import { readFileSync } from "node:fs";
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
import { detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { errorMessage } from "../errors.ts";
import { ATTR, SPAN, subjectTemplate } from "./attributes.ts";
import { configureContentCapture } from "./content-capture.ts";
import { otlpTraceExporter } from "./otlp-exporter.ts";
import { configureSemconv } from "./semconv.ts";

/** The tracer every Switchyard span comes from. */
export const TRACER_NAME = "switchyard";

/** The version of the Switchyard packages (they are released together), for `service.version`. */
export const SWITCHYARD_VERSION: string = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

/** Options of {@link initTelemetry}. */
export type TelemetryOptions = {
  /** `service.name` of every span, e.g. `coordinator`, `agent-researcher`. */
  service: string;
  instance?: string;
  /** `service.version`; default the version of the Switchyard packages. */
  version?: string;
  /** `service.namespace`: the bus prefix, so two stacks on one backend stay apart. Default `switchyard`. */
  namespace?: string;
  /** Extra processors (tests pass an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
  /**
   * Default `process.env`: OTLP export is on when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `..._TRACES_ENDPOINT`) is set, in
   * the protocol `OTEL_EXPORTER_OTLP_PROTOCOL` names (`http/json`, the default, or `http/protobuf`).
   * `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_SERVICE_NAME` override the resource; `OTEL_SEMCONV_STABILITY_OPT_IN` and
   * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` are read too (see `semconv.ts`, `content-capture.ts`).
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
  configureSemconv(env);
  configureContentCapture(env);
  const defaults = resourceFromAttributes({
    "service.name": opts.service,
    "service.namespace": opts.namespace ?? "switchyard",
    "service.version": opts.version ?? SWITCHYARD_VERSION,
    "service.instance.id": opts.instance ?? `${process.pid}`,
  });
  const provider = new BasicTracerProvider({
    // OTEL_RESOURCE_ATTRIBUTES / OTEL_SERVICE_NAME of the process win over the defaults.
    resource: defaults.merge(detectResources({ detectors: [envDetector] })),
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
        markFailed(span, errorType(err), errorMessage(err));
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * Marks a span failed the way the conventions ask: `error.type` (a low-cardinality name of what went wrong, e.g. a
 * failure kind or an error class) and an ERROR status with the message.
 */
export function markFailed(span: Span, type: string, message: string): void {
  span.setAttribute(ATTR.errorType, type);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/** `error.type` of a thrown value: its `kind` or `code` when it has one (ModelError, InfraError), else its class. */
function errorType(err: unknown): string {
  if (typeof err === "object" && err !== null) {
    const { kind, code } = err as { kind?: unknown; code?: unknown };
    if (typeof kind === "string") return kind;
    if (typeof code === "string") return code;
    if (err instanceof Error) return err.name;
  }
  return "_OTHER";
}

/** The messaging attributes of a span on `subject` (`send` for a publish, `process` for a delivery). */
function messagingAttributes(subject: string, operation: "publish" | "process", goalId?: string): Attributes {
  return {
    [ATTR.messagingSystem]: "nats",
    [ATTR.messagingDestination]: subject,
    [ATTR.messagingDestinationTemplate]: subjectTemplate(subject, goalId),
    [ATTR.messagingOperation]: operation === "publish" ? "send" : "process",
    [ATTR.messagingOperationName]: operation,
  };
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
  const goalId = attributes[ATTR.goalId];
  const goal = typeof goalId === "string" ? goalId : undefined;
  return withSpan(
    SPAN.process(delivery.subject, goal),
    {
      kind: SpanKind.CONSUMER,
      parent: contextFromHeaders(delivery.headers),
      attributes: { ...messagingAttributes(delivery.subject, "process", goal), ...attributes },
    },
    fn,
  );
}

/**
 * Publishes under a producer span (a child of `parent`, default the active context): `publish` gets the headers that
 * carry the span's trace context, so whoever processes the message continues the trace.
 */
export function withPublishSpan<T>(
  subject: string,
  opts: { goalId?: string; parent?: Context; attributes?: Attributes },
  publish: (traceHeaders: Record<string, string>) => Promise<T>,
): Promise<T> {
  return withSpan(
    SPAN.publish(subject, opts.goalId),
    {
      kind: SpanKind.PRODUCER,
      parent: opts.parent,
      attributes: { ...messagingAttributes(subject, "publish", opts.goalId), ...opts.attributes },
    },
    (span) => publish(headersForSpan(span)),
  );
}

export { SpanKind, SpanStatusCode };
export type { Span, Context };
