import type { ActionOutcome, ActionProposal, ProposalStatus } from "@switchyard/contracts";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { StepEventInput } from "./events.ts";

/**
 * The metric families of the services, in groups a role picks from (see `createMetrics`). Each group registers its
 * families in the registry it is given and returns how they move: an `observe` for the step events that move them,
 * and recorders for what no step event says once (an approval decision, an action's run).
 */

/** Updates a group's families from one step event; events of other types leave them as they are. */
export type Observe = (event: StepEventInput) => void;

/** How an approval request was decided; a bounded set, so it can be a label. */
export type ApprovalDecision = Extract<ProposalStatus, "approved" | "rejected" | "expired">;

/** What the executor counts of an action that ended on it (a replayed outcome is not counted again). */
export type ActionRecord = {
  /** The action's tool; `unknown` for a tool this executor does not run (keeps the label bounded). */
  tool: string;
  outcome: ActionOutcome["status"];
  /** From its delivery to its recorded (or refused) outcome: the check, the claim, the run and the record. */
  seconds: number;
};

/** A gauge the host moves itself. */
export type HostGauge = {
  inc(value?: number): void;
  dec(value?: number): void;
  set(value: number): void;
};

// Model calls take from a fraction of a second to minutes; subtasks and goals from seconds to an hour; an action is
// a call to a payments API or the like, with a timeout of a minute by default.
const MODEL_CALL_BUCKETS = [0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300];
const TOOL_CALL_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const RUN_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];
const ACTION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

const counter = <L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]) =>
  new Counter<L>({ name, help, labelNames, registers: [registry] });
const histogram = <L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  buckets: number[],
) => new Histogram<L>({ name, help, labelNames, buckets, registers: [registry] });

/** `sy_failures_total`: subtask failures (agents) and goal failures (coordinator); one family, whoever registers it. */
function failures(registry: Registry): Counter<"scope" | "agent" | "kind"> {
  const name = "sy_failures_total";
  return (
    (registry.getSingleMetric(name) as Counter<"scope" | "agent" | "kind"> | undefined) ??
    counter(registry, name, "Failed subtasks and goals, by failure kind.", ["scope", "agent", "kind"])
  );
}

/** Every service: step events by type, bus messages rejected, messages in flight. */
export function baseFamilies(registry: Registry, service: string): { observe: Observe; inFlight: HostGauge } {
  const events = counter(registry, "sy_step_events_total", "Step events observed, by type.", ["type"]);
  const rejected = counter(registry, "sy_messages_rejected_total", "Bus messages rejected as invalid.", ["service"]);
  const inFlight = new Gauge({
    name: "sy_in_flight",
    help: "Messages this replica is handling right now.",
    labelNames: ["service"],
    registers: [registry],
  }).labels({ service });
  // Service-level series exist from the start, so a scrape shows 0 rather than nothing (and rate() works).
  inFlight.set(0);
  rejected.inc({ service }, 0);
  return {
    observe(event) {
      events.inc({ type: event.type });
      if (event.type === "message.rejected") rejected.inc({ service });
    },
    inFlight: {
      inc: (value) => inFlight.inc(value),
      dec: (value) => inFlight.dec(value),
      set: (value) => inFlight.set(value),
    },
  };
}

/** Model calls: an agent's steps and summaries, and the coordinator's LLM planner (agent `planner`). */
export function modelFamilies(registry: Registry): Observe {
  const tokens = counter(registry, "sy_model_tokens_total", "Model tokens, by direction.", [
    "agent",
    "model",
    "direction",
  ]);
  const cost = counter(registry, "sy_model_cost_usd_total", "Model cost in US dollars.", ["agent", "model"]);
  const calls = counter(registry, "sy_model_calls_total", "Model calls, by purpose and outcome.", [
    "agent",
    "model",
    "purpose",
    "outcome",
  ]);
  const duration = histogram(
    registry,
    "sy_model_call_duration_seconds",
    "Duration of model calls.",
    ["agent", "model"],
    MODEL_CALL_BUCKETS,
  );
  return (event) => {
    if (event.type !== "model.call") return;
    const { agent, model } = event;
    tokens.inc({ agent, model, direction: "input" }, event.inputTokens);
    tokens.inc({ agent, model, direction: "output" }, event.outputTokens);
    cost.inc({ agent, model }, event.costUsd);
    calls.inc({ agent, model, purpose: event.purpose, outcome: event.error === undefined ? "ok" : "error" });
    duration.observe({ agent, model }, event.ms / 1000);
  };
}

/** An agent's runs: subtasks finished by status, their wall time and steps, limits hit, failure kinds, tool calls. */
export function runFamilies(registry: Registry): Observe {
  const toolCalls = counter(registry, "sy_tool_calls_total", "Tool calls, by tool kind and outcome.", [
    "agent",
    "kind",
    "outcome",
  ]);
  const toolDuration = histogram(
    registry,
    "sy_tool_call_duration_seconds",
    "Duration of tool calls.",
    ["agent", "kind"],
    TOOL_CALL_BUCKETS,
  );
  const limitHits = counter(registry, "sy_limit_hits_total", "Budget limits hit by subtasks.", ["agent", "limit"]);
  const finished = counter(registry, "sy_subtasks_finished_total", "Finished subtasks, by status.", [
    "agent",
    "status",
  ]);
  const duration = histogram(
    registry,
    "sy_subtask_duration_seconds",
    "Wall time of finished subtasks (their usage.ms).",
    ["agent", "status"],
    RUN_BUCKETS,
  );
  const steps = counter(registry, "sy_steps_total", "Agent loop steps of finished subtasks (their usage.steps).", [
    "agent",
  ]);
  const failed = failures(registry);
  return (event) => {
    switch (event.type) {
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
        finished.inc({ agent: event.agent, status: event.status });
        duration.observe({ agent: event.agent, status: event.status }, event.usage.ms / 1000);
        steps.inc({ agent: event.agent }, event.usage.steps);
        if (event.failure !== undefined) failed.inc({ scope: "subtask", agent: event.agent, kind: event.failure.kind });
        break;
      default:
        break;
    }
  };
}

/** The coordinator's goals: accepted, finished by status, their wall time, failure kinds. */
export function goalFamilies(registry: Registry): Observe {
  const accepted = counter(registry, "sy_goals_accepted_total", "Goals accepted.", []);
  const finished = counter(registry, "sy_goals_finished_total", "Finished goals, by status.", ["status"]);
  const duration = histogram(
    registry,
    "sy_goal_duration_seconds",
    "Wall time of finished goals (their usage.ms).",
    ["status"],
    RUN_BUCKETS,
  );
  const failed = failures(registry);
  return (event) => {
    if (event.type === "goal.accepted") accepted.inc();
    if (event.type !== "goal.finished") return;
    finished.inc({ status: event.status });
    duration.observe({ status: event.status }, event.usage.ms / 1000);
    if (event.failure !== undefined) failed.inc({ scope: "goal", agent: "", kind: event.failure.kind });
  };
}

/** The approval authority (in the coordinator): proposals it recorded, and its decisions. */
export function approvalFamilies(registry: Registry): {
  recordProposal(proposal: Pick<ActionProposal, "agent" | "kind">): void;
  recordApproval(decision: ApprovalDecision): void;
} {
  const proposals = counter(registry, "sy_proposals_total", "Action proposals recorded pending, by agent and kind.", [
    "agent",
    "kind",
  ]);
  const approvals = counter(registry, "sy_approvals_total", "Approval decisions.", ["decision"]);
  return {
    recordProposal: ({ agent, kind }) => proposals.inc({ agent, kind }),
    recordApproval: (decision) => approvals.inc({ decision }),
  };
}

/** The executor: actions that ended on it, by tool and outcome, and how long each took. */
export function actionFamilies(registry: Registry): { recordAction(action: ActionRecord): void } {
  const actions = counter(registry, "sy_actions_total", "Approved actions that ended on this executor, by outcome.", [
    "tool",
    "outcome",
  ]);
  const duration = histogram(
    registry,
    "sy_action_duration_seconds",
    "Time from an action's delivery to its recorded or refused outcome.",
    ["tool", "outcome"],
    ACTION_BUCKETS,
  );
  return {
    recordAction({ tool, outcome, seconds }) {
      actions.inc({ tool, outcome });
      duration.observe({ tool, outcome }, seconds);
    },
  };
}
