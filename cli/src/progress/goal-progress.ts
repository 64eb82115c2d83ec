// Where a goal and each of its subtasks stand, folded from its step events as they arrive: pure, so the live view
// is tested without a bus or a terminal.
import type { StepEvent } from "@switchyard/contracts";
import { isPlannerCall } from "../history/plan-node.ts";
import { isWaiting } from "../waiting.ts";

/** One subtask's line of the live view. */
export type SubtaskProgress = {
  subtaskId: string;
  agent: string;
  /** `pending`, `dispatched`, `running`, or how it ended (a RunStatus). */
  state: string;
  attempt: number;
  /** The model step it is at (running LLM subtasks). */
  step?: number;
  tokens: number;
  costUsd: number;
  /** Its run's time, once it finished. */
  ms?: number;
};

/** The goal's line and its subtasks' lines, in plan order. */
export type GoalProgress = {
  goalId: string;
  /** `submitted`, `planning`, `running`, why it waits for a person (`needs_*`), or how it ended. */
  state: string;
  plan?: string;
  subtasks: SubtaskProgress[];
  /** What the planner spent (LLM plans). */
  planTokens: number;
  planCostUsd: number;
};

/** A goal just submitted: nothing known yet. */
export function newGoalProgress(goalId: string): GoalProgress {
  return { goalId, state: "submitted", subtasks: [], planTokens: 0, planCostUsd: 0 };
}

function row(p: GoalProgress, subtaskId: string, agent: string): SubtaskProgress {
  let r = p.subtasks.find((s) => s.subtaskId === subtaskId);
  if (r === undefined) {
    r = { subtaskId, agent, state: "pending", attempt: 0, tokens: 0, costUsd: 0 };
    p.subtasks.push(r);
  }
  return r;
}

/** A new attempt of a subtask starts from nothing: its usage is reported again when it finishes. */
function startAttempt(r: SubtaskProgress, attempt: number, agent: string): void {
  if (attempt <= r.attempt) return;
  Object.assign(r, { attempt, agent, step: undefined, tokens: 0, costUsd: 0, ms: undefined });
}

/** Folds one event of the goal into `p`; false when the event changes nothing the view shows. */
export function applyEvent(p: GoalProgress, e: StepEvent): boolean {
  if (!("goalId" in e) || e.goalId !== p.goalId) return false;
  switch (e.type) {
    case "goal.accepted":
      p.plan = e.plan;
      if (p.state === "submitted" || p.state === "planning") p.state = "running";
      return true;
    case "plan.created":
      for (const s of e.plan.subtasks) row(p, s.id, s.agent);
      return true;
    case "subtask.dispatched": {
      const r = row(p, e.subtaskId, e.agent);
      // The agent's `started` may land before the coordinator's `dispatched` of the same attempt.
      const fresh = e.attempt > r.attempt;
      startAttempt(r, e.attempt, e.agent);
      if (fresh || r.state === "pending") r.state = "dispatched";
      return true;
    }
    case "subtask.started": {
      const r = row(p, e.subtaskId, e.agent);
      if (e.attempt < r.attempt) return false;
      startAttempt(r, e.attempt, e.agent);
      r.state = "running";
      return true;
    }
    case "subtask.replayed":
      row(p, e.subtaskId, e.agent).state = "running";
      return true;
    case "model.call": {
      if (isPlannerCall(e)) {
        if (p.state === "submitted") p.state = "planning";
        p.planTokens += e.inputTokens + e.outputTokens;
        p.planCostUsd += e.costUsd;
        return true;
      }
      const r = row(p, e.subtaskId, e.agent);
      r.step = e.step;
      r.tokens += e.inputTokens + e.outputTokens;
      r.costUsd += e.costUsd;
      return true;
    }
    case "subtask.finished": {
      const r = row(p, e.subtaskId, e.agent);
      if (e.attempt !== undefined && e.attempt < r.attempt) return false; // a late word on an earlier attempt
      Object.assign(r, {
        state: e.status,
        step: undefined,
        tokens: e.usage.inputTokens + e.usage.outputTokens,
        costUsd: e.usage.costUsd,
        ms: e.usage.ms,
      });
      return true;
    }
    case "action.finished": {
      // The executor ran what a person approved: the subtask that waited for it is settled (ok, or failed).
      const r = row(p, e.subtaskId, e.agent);
      if (r.state === "needs_approval") r.state = e.status === "executed" ? "ok" : "failed";
      return true;
    }
    case "goal.paused":
      p.state = e.status;
      return true;
    case "goal.resumed":
      if (isWaiting(p.state)) p.state = "running";
      return true;
    case "goal.finished":
      p.state = e.status;
      return true;
    case "goal.cancelled":
      p.state = "cancelled";
      return true;
    default:
      return false;
  }
}

/** The goal's totals so far: its subtasks' and its planner's tokens and cost, and how many subtasks are done. */
export function totals(p: GoalProgress): { tokens: number; costUsd: number; done: number } {
  const busy = new Set(["pending", "dispatched", "running"]);
  return {
    tokens: p.subtasks.reduce((n, s) => n + s.tokens, p.planTokens),
    costUsd: p.subtasks.reduce((n, s) => n + s.costUsd, p.planCostUsd),
    done: p.subtasks.filter((s) => !busy.has(s.state)).length,
  };
}
