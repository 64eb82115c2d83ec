// Fixed event sequences and results for the unit tests: what a goal's events stream holds, without a bus.
import { StepEvent, type GoalResult } from "@switchyard/contracts";
import type { Observation } from "./observation.ts";

const base = { v: 1, at: "2026-01-01T00:00:00.000Z", goalId: "g-1", tenant: "acme" } as const;

/** A `tool.call` event of `subtaskId`. */
export function toolCall(
  subtaskId: string,
  step: number,
  tool: string,
  extra: { kind?: "read" | "write" | "destructive"; outcome?: string; args?: string } = {},
): StepEvent {
  return StepEvent.parse({
    ...base,
    source: `agent-${subtaskId}/1`,
    subtaskId,
    agent: subtaskId,
    type: "tool.call",
    step,
    tool,
    kind: extra.kind ?? "read",
    args: extra.args ?? "{}",
    outcome: extra.outcome ?? "ok",
    result: "",
    ms: 1,
  });
}

/** A `subtask.started` event. */
export function started(subtaskId: string, attempt = 1): StepEvent {
  return StepEvent.parse({
    ...base,
    source: `agent-${subtaskId}/1`,
    subtaskId,
    agent: subtaskId,
    type: "subtask.started",
    attempt,
    instance: "i-1",
  });
}

/** An `action.finished` event. */
export function actionFinished(tool: string, status: "executed" | "failed" | "refused"): StepEvent {
  return StepEvent.parse({
    ...base,
    source: "executor/1",
    subtaskId: "refund",
    agent: "refunds",
    type: "action.finished",
    proposalId: "a".repeat(32),
    tool,
    status,
  });
}

/** A GoalResult with the given status, output and usage. */
export function goalResult(over: Partial<GoalResult> = {}): GoalResult {
  return {
    v: 1,
    goalId: "g-1",
    status: "ok",
    output: { subject: "Your refund", body: "We refunded order A-1001." },
    subtasks: [],
    usage: { steps: 4, inputTokens: 900, outputTokens: 100, costUsd: 0.002, ms: 800 },
    traceId: "0".repeat(32),
    pendingApprovals: [],
    finishedAt: base.at,
    ...over,
  };
}

/** An observation of `events` and `result`. */
export function observation(events: StepEvent[], result: GoalResult = goalResult(), wallMs = 1200): Observation {
  return { goalId: "g-1", result, events, wallMs };
}
