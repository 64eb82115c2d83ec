import { collectDefaultMetrics, Registry } from "prom-client";
import { InfraError } from "./errors.ts";
import type { EventEmitter, StepEventInput } from "./events.ts";
import {
  actionFamilies,
  approvalFamilies,
  baseFamilies,
  goalFamilies,
  modelFamilies,
  runFamilies,
  type ActionRecord,
  type ApprovalDecision,
  type HostGauge,
  type Observe,
} from "./metric-families.ts";

export type { ActionRecord, ApprovalDecision, HostGauge } from "./metric-families.ts";

/**
 * Which kind of service the metrics are for; it decides which families are registered, so a service exports only
 * what it can move:
 * - every role: `sy_step_events_total{type}`, `sy_messages_rejected_total{service}`, `sy_in_flight{service}`;
 * - `agent`: model tokens, cost, calls and their duration; tool calls and their duration; subtasks finished by
 *   status, their wall time and steps; limits hit; subtask failure kinds;
 * - `coordinator`: goals accepted, finished by status, their wall time; goal failure kinds; proposals recorded and
 *   approval decisions; the LLM planner's model calls (agent `planner`);
 * - `executor`: actions ended by tool and outcome, and their duration;
 * - `base`: nothing more (any other process).
 */
export type MetricsRole = "coordinator" | "agent" | "executor" | "base";
/** Every {@link MetricsRole}. */
export const METRICS_ROLES: readonly MetricsRole[] = ["coordinator", "agent", "executor", "base"];

/** Options of {@link createMetrics}. */
export type CreateMetricsOptions<R extends MetricsRole = MetricsRole> = {
  /** The service name (`coordinator`, `agent-researcher`, …), the `service` label of service-level metrics. */
  service: string;
  /** Which families to register (see {@link MetricsRole}). */
  role: R;
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
export type RoleMetrics<R extends MetricsRole> = {
  readonly service: string;
  readonly role: R;
  /** The registry, for a host that wants to add its own metrics (see `addScrapeGauge`). */
  readonly registry: Registry;
  /** Updates the role's metrics from a step event; every event counts in `sy_step_events_total`. */
  observe(event: StepEventInput): void;
  /** `sy_in_flight{service}`: messages this replica is handling right now. */
  readonly inFlight: HostGauge;
  /** The metrics in the Prometheus text exposition format. */
  text(): Promise<string>;
  /** The `Content-Type` of {@link RoleMetrics.text}. */
  readonly contentType: string;
};

/** The metrics of any service. */
export type Metrics = RoleMetrics<MetricsRole>;
/** An agent's metrics. */
export type AgentMetrics = RoleMetrics<"agent">;
/** The coordinator's metrics: also what its approval authority records. */
export type CoordinatorMetrics = RoleMetrics<"coordinator"> & {
  /** Counts a proposal the approval authority recorded pending in `sy_proposals_total{agent,kind}`. */
  recordProposal(proposal: { agent: string; kind: string }): void;
  /** Counts one approval decision in `sy_approvals_total{decision}`. */
  recordApproval(decision: ApprovalDecision): void;
};
/** The executor's metrics: also the actions that ended on it. */
export type ExecutorMetrics = RoleMetrics<"executor"> & {
  /** Counts an action in `sy_actions_total{tool,outcome}` and `sy_action_duration_seconds{tool,outcome}`. */
  recordAction(action: ActionRecord): void;
};
/** The metrics type of a role. */
export type MetricsOf<R extends MetricsRole> = R extends "coordinator"
  ? CoordinatorMetrics
  : R extends "executor"
    ? ExecutorMetrics
    : RoleMetrics<R>;

/** Creates the metrics of one service with the families of its role (see {@link MetricsRole}). */
export function createMetrics<R extends MetricsRole>(opts: CreateMetricsOptions<R>): MetricsOf<R> {
  const role: MetricsRole = opts.role;
  if (!METRICS_ROLES.includes(role)) {
    throw new InfraError(
      "SY_ERR_CONFIG_INVALID",
      "caller",
      `createMetrics: role "${String(role)}" is not one of ${METRICS_ROLES.join(", ")}`,
    );
  }
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const base = baseFamilies(registry, opts.service);
  const observers: Observe[] = [base.observe];
  let recorders: object = {};
  switch (role) {
    case "agent":
      observers.push(modelFamilies(registry), runFamilies(registry));
      break;
    case "coordinator":
      observers.push(goalFamilies(registry), modelFamilies(registry));
      recorders = approvalFamilies(registry);
      break;
    case "executor":
      recorders = actionFamilies(registry);
      break;
    case "base":
      break;
  }
  const metrics: RoleMetrics<MetricsRole> = {
    service: opts.service,
    role,
    registry,
    observe: (event) => {
      for (const observe of observers) observe(event);
    },
    inFlight: base.inFlight,
    text: () => registry.metrics(),
    contentType: registry.contentType,
  };
  return { ...metrics, ...recorders } as MetricsOf<R>;
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
