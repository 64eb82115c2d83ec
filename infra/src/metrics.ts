import type { ProposalStatus } from "@switchyard/contracts";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { EventEmitter, StepEventInput } from "./events.ts";

/** How an approval request was decided; a bounded set, so it can be a label. */
export type ApprovalDecision = Extract<ProposalStatus, "approved" | "rejected" | "expired">;

/** A gauge the host moves itself. */
export type HostGauge = {
  inc(value?: number): void;
  dec(value?: number): void;
  set(value: number): void;
};

/** Options of {@link createMetrics}. */
export type CreateMetricsOptions = {
  /** The service name (`coordinator`, `agent-researcher`, …), the `service` label of service-level metrics. */
  service: string;
  /**
   * Also collect Node process metrics (CPU, memory, event loop lag, GC) under their standard names
   * (`process_cpu_user_seconds_total`, `nodejs_heap_size_used_bytes`, …), which stock Node dashboards read. Default
   * `true`.
   */
  defaultMetrics?: boolean;
};

/**
 * The Prometheus metrics of one service, in a registry of its own (never prom-client's global one), so tests and
 * several services in one process do not share values. Labels are low-cardinality only: agent, model, tool kind,
 * status, failure kind, limit, service. Goal ids, users and tenants stay in the step events.
 */
export type Metrics = {
  readonly service: string;
  /** The registry, for a host that wants to add its own metrics. */
  readonly registry: Registry;
  /** Updates the metrics from a step event; events of unknown types only count in `sy_step_events_total`. */
  observe(event: StepEventInput): void;
  /** `sy_in_flight{service}`: messages this replica is handling right now. */
  readonly inFlight: HostGauge;
  /** Counts one approval decision in `sy_approvals_total{decision}`. */
  recordApproval(decision: ApprovalDecision): void;
  /** The metrics in the Prometheus text exposition format. */
  text(): Promise<string>;
  /** The `Content-Type` of {@link Metrics.text}. */
  readonly contentType: string;
};

// Model calls take from a fraction of a second to minutes; subtasks and goals from seconds to an hour.
const MODEL_CALL_BUCKETS = [0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300];
const TOOL_CALL_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const RUN_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];

/** Creates the metrics of one service (see {@link Metrics}). */
export function createMetrics(opts: CreateMetricsOptions): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
    new Histogram<L>({ name, help, labelNames, buckets, registers });

  const events = counter("sy_step_events_total", "Step events observed, by type.", ["type"]);
  const modelTokens = counter("sy_model_tokens_total", "Model tokens, by direction.", ["agent", "model", "direction"]);
  const modelCost = counter("sy_model_cost_usd_total", "Model cost in US dollars.", ["agent", "model"]);
  const modelCalls = counter("sy_model_calls_total", "Model calls, by purpose and outcome.", [
    "agent",
    "model",
    "purpose",
    "outcome",
  ]);
  const modelDuration = histogram(
    "sy_model_call_duration_seconds",
    "Duration of model calls.",
    ["agent", "model"],
    MODEL_CALL_BUCKETS,
  );
  const toolCalls = counter("sy_tool_calls_total", "Tool calls, by tool kind and outcome.", [
    "agent",
    "kind",
    "outcome",
  ]);
  const toolDuration = histogram(
    "sy_tool_call_duration_seconds",
    "Duration of tool calls.",
    ["agent", "kind"],
    TOOL_CALL_BUCKETS,
  );
  const limitHits = counter("sy_limit_hits_total", "Budget limits hit by subtasks.", ["agent", "limit"]);
  const subtasksFinished = counter("sy_subtasks_finished_total", "Finished subtasks, by status.", ["agent", "status"]);
  const subtaskDuration = histogram(
    "sy_subtask_duration_seconds",
    "Wall time of finished subtasks (their usage.ms).",
    ["agent", "status"],
    RUN_BUCKETS,
  );
  const failures = counter("sy_failures_total", "Failed subtasks and goals, by failure kind.", [
    "scope",
    "agent",
    "kind",
  ]);
  const goalsAccepted = counter("sy_goals_accepted_total", "Goals accepted.", []);
  const goalsFinished = counter("sy_goals_finished_total", "Finished goals, by status.", ["status"]);
  const goalDuration = histogram(
    "sy_goal_duration_seconds",
    "Wall time of finished goals (their usage.ms).",
    ["status"],
    RUN_BUCKETS,
  );
  const proposals = counter("sy_proposals_total", "Action proposals created, by kind.", ["agent", "kind"]);
  const rejected = counter("sy_messages_rejected_total", "Bus messages rejected as invalid.", ["service"]);
  const approvals = counter("sy_approvals_total", "Approval decisions.", ["decision"]);
  const inFlight = new Gauge({
    name: "sy_in_flight",
    help: "Messages this replica is handling right now.",
    labelNames: ["service"],
    registers,
  }).labels({ service: opts.service });
  // Service-level series exist from the start, so a scrape shows 0 rather than nothing (and rate() works).
  inFlight.set(0);
  rejected.inc({ service: opts.service }, 0);

  const observe = (event: StepEventInput): void => {
    events.inc({ type: event.type });
    switch (event.type) {
      case "goal.accepted":
        goalsAccepted.inc();
        break;
      case "model.call": {
        const { agent, model } = event;
        modelTokens.inc({ agent, model, direction: "input" }, event.inputTokens);
        modelTokens.inc({ agent, model, direction: "output" }, event.outputTokens);
        modelCost.inc({ agent, model }, event.costUsd);
        modelCalls.inc({ agent, model, purpose: event.purpose, outcome: event.error === undefined ? "ok" : "error" });
        modelDuration.observe({ agent, model }, event.ms / 1000);
        break;
      }
      case "tool.call": {
        // A call to a tool that does not exist has no kind; the tool name stays out of the labels.
        const kind = event.kind ?? "unknown";
        toolCalls.inc({ agent: event.agent, kind, outcome: event.outcome });
        toolDuration.observe({ agent: event.agent, kind }, event.ms / 1000);
        break;
      }
      case "limit.hit":
        limitHits.inc({ agent: event.agent, limit: event.limit });
        break;
      case "subtask.finished":
        subtasksFinished.inc({ agent: event.agent, status: event.status });
        subtaskDuration.observe({ agent: event.agent, status: event.status }, event.usage.ms / 1000);
        if (event.failure !== undefined)
          failures.inc({ scope: "subtask", agent: event.agent, kind: event.failure.kind });
        break;
      case "goal.finished":
        goalsFinished.inc({ status: event.status });
        goalDuration.observe({ status: event.status }, event.usage.ms / 1000);
        if (event.failure !== undefined) failures.inc({ scope: "goal", agent: "", kind: event.failure.kind });
        break;
      case "proposal.created":
        proposals.inc({ agent: event.agent, kind: event.proposal.kind });
        break;
      case "message.rejected":
        rejected.inc({ service: opts.service });
        break;
      default:
        break;
    }
  };

  return {
    service: opts.service,
    registry,
    observe,
    inFlight: {
      inc: (value) => inFlight.inc(value),
      dec: (value) => inFlight.dec(value),
      set: (value) => inFlight.set(value),
    },
    recordApproval: (decision) => approvals.inc({ decision }),
    text: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

/**
 * Wraps an emitter so every event given to it is also observed by `metrics`. The event is observed before it is
 * published: what happened (tokens spent, a limit hit) counts even when publishing it fails.
 */
export function withMetrics(emitter: EventEmitter, metrics: Pick<Metrics, "observe">): EventEmitter {
  return {
    async emit(event, headers, msgId) {
      metrics.observe(event);
      await emitter.emit(event, headers, msgId);
    },
    async emitSafely(event, headers, msgId) {
      metrics.observe(event);
      await emitter.emitSafely(event, headers, msgId);
    },
  };
}
