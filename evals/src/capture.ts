// Turns a finished goal into a suite case: its goal as the input, what happened as the reference (status, output,
// each subtask's tool path, cost with headroom), and its run journals so the case replays offline.
import type { Goal, GoalResult, RecordedRun, StepEvent } from "@switchyard/contracts";
import type { EvalCaseInput, HumanScore } from "./eval-case.ts";
import { trajectoriesOf } from "./trajectory.ts";

/** Headroom over the observed cost in a captured case's ceilings: a replay may cost a little more, not double. */
export const CAPTURE_COST_HEADROOM = 1.5;

/** What a capture needs of one finished goal. */
export type CapturedGoal = {
  goal: Goal;
  result: GoalResult;
  events: readonly StepEvent[];
  runs: readonly RecordedRun[];
  humanScores?: HumanScore[];
};

/** A case id from a goal id: stable, valid, recognisable. */
export function caseIdOf(goalId: string): string {
  return `captured-${goalId.toLowerCase().replace(/[^a-z0-9._-]/g, "-")}`.slice(0, 128);
}

/** The suite case of a finished goal. */
export function captureCase(g: CapturedGoal, now: Date = new Date()): EvalCaseInput {
  const { goal, result } = g;
  const usage = result.usage;
  const tokens = usage.inputTokens + usage.outputTokens;
  const safetyRelevant = g.events.some((e) => e.type === "proposal.created" || e.type === "action.finished");
  return {
    id: caseIdOf(goal.id),
    description: `Captured from goal ${goal.id}: ${goal.text.slice(0, 80)}`,
    tags: ["captured"],
    goal: {
      text: goal.text,
      ...(goal.plan === undefined ? {} : { plan: goal.plan }),
      ...(goal.input === undefined ? {} : { input: goal.input }),
      tenant: goal.tenant,
      user: goal.user,
      ...(Object.keys(goal.budget).length === 0 ? {} : { budget: goal.budget }),
    },
    checks: {
      outcome: { status: result.status, output: result.output },
      trajectory: { mode: "strict", subtasks: trajectoriesOf(g.events) },
      cost: {
        maxTokens: Math.ceil(tokens * CAPTURE_COST_HEADROOM),
        maxSteps: Math.ceil(usage.steps * CAPTURE_COST_HEADROOM),
        ...(usage.costUsd > 0 ? { maxCostUsd: Number((usage.costUsd * CAPTURE_COST_HEADROOM).toFixed(6)) } : {}),
      },
      // What did not happen in production must not happen in the replay either.
      ...(safetyRelevant && !g.events.some((e) => e.type === "action.finished" && e.status === "executed")
        ? { safety: { noExecutedActions: true } }
        : {}),
    },
    ...(g.runs.length === 0 ? {} : { recording: [...g.runs] }),
    capturedFrom: { goalId: goal.id, at: now.toISOString() },
    ...(g.humanScores === undefined || g.humanScores.length === 0 ? {} : { humanScores: g.humanScores }),
  };
}
