import { StepEvent } from "@switchyard/contracts";
import { describe, expect, it } from "vitest";
import { approvedGoalEvents, ev, llmGoalEvents } from "../history/fixture-events.test-helpers.ts";
import { applyEvent, newGoalProgress, totals, type GoalProgress } from "./goal-progress.ts";

function fold(goalId: string, events: readonly unknown[]): GoalProgress {
  const p = newGoalProgress(goalId);
  for (const raw of events) {
    const e = StepEvent.safeParse(raw);
    if (e.success) applyEvent(p, e.data);
  }
  return p;
}

const rows = (p: GoalProgress) => p.subtasks.map((s) => [s.subtaskId, s.state, s.tokens]);

describe("goal progress", () => {
  it("moves each subtask from pending through dispatched and running to how it finished", () => {
    const events = llmGoalEvents();
    expect(rows(fold("g1", events.slice(0, 2)))).toEqual([
      ["research", "pending", 0],
      ["write", "pending", 0],
    ]);
    expect(rows(fold("g1", events.slice(0, 3)))).toEqual([
      ["research", "dispatched", 0],
      ["write", "pending", 0],
    ]);
    // Running: the tokens of its model calls so far, and the step it is at.
    const running = fold("g1", events.slice(0, 5));
    expect(running.subtasks[0]).toMatchObject({ state: "running", step: 1, tokens: 120, costUsd: 0.001 });
    const done = fold("g1", events);
    expect(done.state).toBe("limit_cost");
    expect(rows(done)).toEqual([
      ["research", "ok", 300],
      ["write", "limit_cost", 360],
    ]);
    expect(done.subtasks[0]).toMatchObject({ ms: 1200, step: undefined });
    expect(totals(done)).toEqual({ tokens: 660, costUsd: 0.0067, done: 2 });
  });

  it("counts the planner, pauses for a person, and settles when the executor ran the approved action", () => {
    const events = approvedGoalEvents();
    const planning = fold("g5", events.slice(0, 1));
    expect(planning).toMatchObject({ state: "planning", planTokens: 500 });
    const paused = fold("g5", events.slice(0, 8));
    expect(paused.state).toBe("needs_approval");
    expect(rows(paused)).toEqual([["refund", "needs_approval", 0]]);
    const done = fold("g5", events);
    expect(done.state).toBe("ok");
    expect(fold("g5", events.slice(0, -1)).state).toBe("running"); // resumed, not yet ended
    expect(rows(done)).toEqual([["refund", "ok", 0]]);
    expect(totals(done).tokens).toBe(500);
  });

  it("ignores a late event of an earlier attempt, and an agent's started that beat the dispatch", () => {
    const ids = { goalId: "g6", subtaskId: "s", agent: "x" } as const;
    const p = fold("g6", [
      ev(0, { ...ids, type: "subtask.started", attempt: 1, instance: "i" }),
      ev(1, { ...ids, type: "subtask.dispatched", attempt: 1 }),
    ]);
    expect(p.subtasks[0]?.state).toBe("running");
    const retried = fold("g6", [
      ev(0, { ...ids, type: "subtask.dispatched", attempt: 2 }),
      ev(1, {
        ...ids,
        type: "subtask.finished",
        attempt: 1,
        status: "failed",
        usage: { steps: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, ms: 0 },
      }),
    ]);
    expect(retried.subtasks[0]).toMatchObject({ state: "dispatched", attempt: 2 });
  });
});
