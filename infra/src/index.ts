export { ConfigEnv, DEFAULT_NATS_URL, loadConfig } from "./config.ts";
export { connectBus, hasCredentials } from "./connect.ts";
export { errorMessage, InfraError, SwitchyardError } from "./errors.ts";
export { createEventEmitter } from "./events.ts";
export { createRejectionReporter } from "./rejections.ts";
export type { Rejection, RejectionReporter, RejectionReporterOptions } from "./rejections.ts";
export { argsHashOf, effectKeyOf, proposalIdOf } from "./effect-keys.ts";
export { leafValues } from "./leaf-values.ts";
export { followStream, openReader, readStoredJson } from "./stream-reader.ts";
export type { ReadFrom, StoredJson } from "./stream-reader.ts";
export type { EffectCall } from "./effect-keys.ts";
export { identity, IdentityName, inboxPrefixOf, parseIdentity, ROLES } from "./auth/identities.ts";
export type { Identity, Role } from "./auth/identities.ts";
export { permissionsFor } from "./auth/permissions.ts";
export type { Permissions } from "./auth/permissions.ts";
export { renderAuthorization } from "./auth/server-config.ts";
export type { ServerUser } from "./auth/server-config.ts";
export {
  AUTH_CONF_FILE,
  AuthManifest,
  credentialsEnv,
  initAuthDir,
  MANIFEST_FILE,
  readAuthDir,
  rotateIdentity,
  seedFile,
} from "./auth/auth-dir.ts";
export type { InitAuthDirOptions } from "./auth/auth-dir.ts";
export { canonicalJson, sha256Hex } from "./hash.ts";
export { createJson, getJson, isCasConflict, updateJson } from "./kv-json.ts";
export { inboxRepliesOnly, isInbox, respondToInbox } from "./reply.ts";
export { addWorkEndpoint, createWorkStats, workStatsHandler } from "./work-stats.ts";
export type { WorkStats, WorkStatsData } from "./work-stats.ts";
export { createLogger } from "./logger.ts";
export { dockerAvailable, findNatsServerBinary, freePort, isReachable, startNatsServer } from "./nats-server.ts";
export { msgIdSealer } from "./msg-ids.ts";
export type { MsgIdSealer } from "./msg-ids.ts";
export { publishJson, toHeaders } from "./publish.ts";
export { withTransientRetries } from "./resilient-kv.ts";
export { DEFAULT_TRANSIENT_RETRY_MS, retryTransient, transientFailure } from "./transient.ts";
export type { RetryTransientOptions, TransientFailure } from "./transient.ts";
export { runServiceProcess } from "./service-process.ts";
export { ReleaseMessage, RetryLater, startConsumer } from "./consume.ts";
export {
  bindBuckets,
  DEFAULT_MAX_ACK_PENDING,
  DEFAULT_STREAM_WAIT_MS,
  ensureConsumer,
  ensureTopology,
  openBucket,
  openBuckets,
} from "./topology.ts";
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
export { createMetrics, METRICS_ROLES, withMetrics } from "./metrics.ts";
export { startMetricsServer } from "./metrics-server.ts";
export type {
  ActionRecord,
  AgentMetrics,
  ApprovalDecision,
  CoordinatorMetrics,
  CreateMetricsOptions,
  ExecutorMetrics,
  HostGauge,
  Metrics,
  MetricsOf,
  MetricsRole,
  RoleMetrics,
} from "./metrics.ts";
export type { MetricsServer, ProcessHealth, StartMetricsServerOptions } from "./metrics-server.ts";
export { addScrapeGauge, COLLECT_ERRORS_METRIC, DEFAULT_SCRAPE_READ_TIMEOUT_MS } from "./scrape-gauge.ts";
export type { AddScrapeGaugeOptions, ScrapeSample } from "./scrape-gauge.ts";
export { consumerStates } from "./consumer-health.ts";
export type { ConsumerState } from "./consumer-health.ts";
export { processHealth } from "./process-health.ts";
export type { ProcessHealthInput } from "./process-health.ts";
export {
  ATTR,
  GEN_AI_OPERATION,
  GEN_AI_TOOL_TYPE,
  goalAttributes,
  SPAN,
  subjectTemplate,
} from "./telemetry/attributes.ts";
export type { GoalAttribution } from "./telemetry/attributes.ts";
export { capturingContent, contentAttribute, setContentRedactor } from "./telemetry/content-capture.ts";
export type { ContentCapture } from "./telemetry/content-capture.ts";
export { providerAttributes } from "./telemetry/semconv.ts";
export {
  contextFromHeaders,
  headersForActiveContext,
  headersForSpan,
  initTelemetry,
  markFailed,
  SpanKind,
  SpanStatusCode,
  SWITCHYARD_VERSION,
  traceparentOf,
  tracer,
  withDeliverySpan,
  withPublishSpan,
  withSpan,
} from "./telemetry/tracing.ts";
export type { Context, Span, Telemetry, TelemetryOptions, WithSpanOptions } from "./telemetry/tracing.ts";
