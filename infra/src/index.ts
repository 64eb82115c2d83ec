export { ConfigEnv, DEFAULT_NATS_URL, loadConfig } from "./config.ts";
export { connectBus } from "./connect.ts";
export { errorMessage, InfraError, SwitchyardError } from "./errors.ts";
export { createEventEmitter } from "./events.ts";
export { canonicalJson, sha256Hex } from "./hash.ts";
export { createJson, getJson, isCasConflict, updateJson } from "./kv-json.ts";
export { createLogger } from "./logger.ts";
export { findNatsServerBinary, freePort, isReachable, startNatsServer } from "./nats-server.ts";
export { publishJson, toHeaders } from "./publish.ts";
export { runServiceProcess } from "./service-process.ts";
export { ReleaseMessage, RetryLater, startConsumer } from "./consume.ts";
export { ensureConsumer, ensureTopology, openBuckets } from "./topology.ts";
export { decodeJson, describeIssues, toValidationIssues } from "./validation.ts";
export type { Config } from "./config.ts";
export type { Bus, ConnectBusOptions } from "./connect.ts";
export type { ErrorFault, InfraErrorCode } from "./errors.ts";
export type { EventEmitter, StepEventInput } from "./events.ts";
export type { CasDecision, Versioned } from "./kv-json.ts";
export type { CreateLoggerOptions, Logger } from "./logger.ts";
export type { NatsServerHandle, StartNatsServerOptions } from "./nats-server.ts";
export type { PublishOptions } from "./publish.ts";
export type { RunServiceProcessOptions, ServiceStartContext, StartedService } from "./service-process.ts";
export type { DeliveryContext, InvalidDelivery, RunningConsumer, StartConsumerOptions } from "./consume.ts";
export type { Buckets, EnsureConsumerOptions } from "./topology.ts";
export type { Decoded } from "./validation.ts";
export { newTraceId, traceIdFrom, traceparentFor } from "./trace-context.ts";
export { createMetrics, withMetrics } from "./metrics.ts";
export { startMetricsServer } from "./metrics-server.ts";
export type { ApprovalDecision, CreateMetricsOptions, HostGauge, Metrics } from "./metrics.ts";
export type { MetricsServer, StartMetricsServerOptions } from "./metrics-server.ts";
export { ATTR, GEN_AI_OPERATION, SPAN } from "./telemetry/attributes.ts";
export {
  contextFromHeaders,
  headersForSpan,
  initTelemetry,
  SpanKind,
  SpanStatusCode,
  traceparentOf,
  tracer,
  withSpan,
} from "./telemetry/tracing.ts";
export type { Context, Span, Telemetry, TelemetryOptions, WithSpanOptions } from "./telemetry/tracing.ts";
