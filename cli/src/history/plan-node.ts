// The goal's planning as one node of its trace: the LLM planner's model calls (the coordinator's, under the
// planner's pseudo subtask) belong to the goal, not to a subtask of its plan.
import { PLANNER_STEP, type StepEvent, type Usage } from "@switchyard/contracts";
import { modelCallNode } from "./step-nodes.ts";
import type { TraceNode } from "./trace-node.ts";

type ModelCall = Extract<StepEvent, { type: "model.call" }>;

/** Whether a model call is the planner's (it names the planner's agent and subtask, see `PLANNER_STEP`). */
export function isPlannerCall(e: ModelCall): boolean {
  return e.agent === PLANNER_STEP.agent && e.subtaskId === PLANNER_STEP.subtaskId;
}

/** What the rest of the goal's events say about its planning. */
export type PlanOutcome = {
  /** The plan's name (`llm`), from `goal.accepted`. */
  name?: string;
  /** How many subtasks the plan has, when `plan.created` said. */
  subtasks?: number;
  /** What planning consumed, from `plan.created` (else the calls' sum). */
  usage?: Usage;
  /** The goal ended (a plan that never came then failed). */
  goalEnded: boolean;
};

/** A `plan` node holding the planner's model calls in order; {@link finishPlanNode} fills in how it went. */
export function planNode(): TraceNode {
  return { type: "plan", label: "plan", children: [] };
}

/** Adds one planner call under the node; the node starts at its first call. */
export function addPlannerCall(node: TraceNode, e: ModelCall): void {
  node.at ??= e.at;
  node.children.push(modelCallNode(e));
}

/** Label, status and usage of the planning, once every event is read. */
export function finishPlanNode(node: TraceNode, outcome: PlanOutcome): void {
  node.label = outcome.name === undefined ? "plan" : `plan ${outcome.name}`;
  node.status = outcome.subtasks !== undefined ? "ok" : outcome.goalEnded ? "failed" : "running";
  const sum = (pick: (n: TraceNode) => number | undefined) =>
    node.children.reduce((total, n) => total + (pick(n) ?? 0), 0);
  const u = outcome.usage;
  node.tokens = u === undefined ? sum((n) => n.tokens) : u.inputTokens + u.outputTokens;
  node.costUsd = u === undefined ? sum((n) => n.costUsd) : u.costUsd;
  node.ms = u === undefined ? sum((n) => n.ms) : u.ms;
  if (outcome.subtasks !== undefined) node.detail = `${outcome.subtasks} subtask(s)`;
}
