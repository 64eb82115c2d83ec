import { WIRE_VERSION, type Goal, type GoalRecord, type SubtaskResult } from "@switchyard/contracts";
import { describe, expect, it } from "vitest";
import { decideOnFailure, FailurePolicy } from "./failure-policy.ts";
import { goalLimitReached, subtaskBudget } from "./goal-budget.ts";
import { acceptedRecord, applyResult, claimDispatch, expireRecord } from "./goal-state.ts";

const now = new Date("2026-01-01T00:00:10Z");
const failed = (attempt: number, kind: "crashed" | "bad_input" = "crashed", agent = "x"): SubtaskResult => ({
  v: WIRE_VERSION,
  goalId: "g1",
  subtaskId: "a",
  idempotencyKey: "g1/a",
  agent,
  instance: "i",
  attempt,
  status: "failed",
  failure: { kind, message: "boom" },
  usage: { steps: 1, inputTokens: 100, outputTokens: 0, costUsd: 0.01, ms: 5 },
  startedAt: now.toISOString(),
  finishedAt: now.toISOString(),
});
const goal = (budget: Goal["budget"] = {}): Goal => ({
  v: WIRE_VERSION,
  id: "g1",
  tenant: "t",
  user: "u",
  text: "x",
  budget,
});
const record = (budget?: Goal["budget"]): GoalRecord => {
  const r = acceptedRecord(
    goal(budget),
    {
      subtasks: [
        { id: "a", agent: "x", input: {}, dependsOn: [] },
        { id: "b", agent: "x", input: {}, dependsOn: [] },
      ],
    },
    { traceId: "a".repeat(32) },
    new Date("2026-01-01T00:00:00Z"),
  );
  return claimDispatch(r, ["a", "b"], now) ?? r;
};

describe("failure policy", () => {
  it("retries retryable kinds with doubling backoff, then falls back or fails", () => {
    const policy = FailurePolicy.parse({ retries: 2, backoffMs: 1_000, fallback: { agent: "backup" } });
    expect(decideOnFailure(failed(1), policy, now)).toEqual({
      type: "retry",
      attempt: 2,
      notBefore: new Date(now.getTime() + 1_000),
    });
    expect(decideOnFailure(failed(2), policy, now)).toEqual({
      type: "retry",
      attempt: 3,
      notBefore: new Date(now.getTime() + 2_000),
    });
    expect(decideOnFailure(failed(3), policy, now)).toEqual({ type: "fallback-agent", agent: "backup", attempt: 4 });
    expect(decideOnFailure(failed(1, "bad_input"), policy, now)).toMatchObject({ type: "fallback-agent" });
    expect(decideOnFailure(failed(4, "crashed", "backup"), policy, now)).toEqual({ type: "fail" });
    expect(decideOnFailure(failed(1, "bad_input"), FailurePolicy.parse({}), now)).toEqual({ type: "fail" });
  });

  it("puts a retried subtask back to pending after its backoff, counting the failed attempt's usage", () => {
    const next = applyResult(record(), failed(1), now);
    expect(next?.subtasks["a"]).toEqual({
      type: "pending",
      attempt: 2,
      notBefore: "2026-01-01T00:00:12.000Z",
      agent: undefined,
    });
    expect(next?.spentOnFailedAttempts).toEqual([{ steps: 1, inputTokens: 100, outputTokens: 0, costUsd: 0.01 }]);
    expect(next?.phase.type).toBe("running");
  });
});

describe("goal budget", () => {
  it("ends the goal when what its subtasks consumed reaches a limit, skipping what has not started", () => {
    const next = applyResult(record({ maxCostUsd: 0.005 }), failed(1), now);
    expect(next?.phase.type === "finished" && next.phase.result.status).toBe("limit_cost");
    expect(next?.subtasks["a"]).toMatchObject({ type: "skipped" });
  });

  it("shares what is left of the goal budget among subtasks running together", () => {
    const r = {
      ...record({ maxCostUsd: 1, maxTokens: 1_000, maxSteps: 10 }),
      spentOnFailedAttempts: [{ steps: 2, inputTokens: 200, outputTokens: 0, costUsd: 0.5 }],
    };
    expect(goalLimitReached(r)).toBeUndefined();
    expect(subtaskBudget(r, { maxCostUsd: 0.1 }, 2)).toEqual({
      maxSteps: 4,
      maxTokens: 400,
      maxMs: undefined,
      maxCostUsd: 0.1,
    });
    expect(subtaskBudget(r, undefined, 2)).toMatchObject({ maxCostUsd: 0.25 });
  });

  it("ends a running goal limit_time at its deadline", () => {
    const next = expireRecord(record(), now);
    expect(next?.phase.type === "finished" && next.phase.result.status).toBe("limit_time");
  });
});
