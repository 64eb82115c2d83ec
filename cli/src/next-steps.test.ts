import { GoalResult, WIRE_VERSION } from "@switchyard/contracts";
import { describe, expect, it } from "vitest";
import { nextSteps } from "./next-steps.ts";

const usage = { steps: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, ms: 0 };
const result = (status: string, extra: Record<string, unknown> = {}) =>
  GoalResult.parse({
    v: WIRE_VERSION,
    goalId: "g1",
    status,
    subtasks: [],
    usage,
    traceId: "0af7651916cd43dd8448eb211c80319c",
    finishedAt: "2026-01-31T12:00:00.000Z",
    ...extra,
  });

describe("nextSteps", () => {
  it("a goal waiting for an approval: list, approve or reject each proposal, on the bus given", () => {
    const id = "fedcba9876543210fedcba9876543210";
    expect(nextSteps(result("needs_approval", { pendingApprovals: [id] }), "nats://127.0.0.1:4333")).toEqual([
      "the goal waits for a decision on 1 proposal(s); next, run one of:",
      "  pnpm switchyard approvals list --nats nats://127.0.0.1:4333",
      `  pnpm switchyard approvals approve ${id} --nats nats://127.0.0.1:4333`,
      `  pnpm switchyard approvals reject ${id} --reason "…" --nats nats://127.0.0.1:4333`,
      "what happened so far: pnpm switchyard trace g1 --nats nats://127.0.0.1:4333",
    ]);
  });

  it("a goal waiting for input: answer it; a goal that ended: nothing to do", () => {
    const asking = {
      v: WIRE_VERSION,
      goalId: "g1",
      subtaskId: "identify",
      idempotencyKey: "g1/identify",
      agent: "asker",
      instance: "a-1",
      attempt: 1,
      status: "needs_input",
      usage,
      startedAt: "2026-01-31T12:00:00.000Z",
      finishedAt: "2026-01-31T12:00:00.000Z",
    };
    expect(nextSteps(result("needs_input", { subtasks: [asking] }))).toEqual([
      "the goal waits for an answer (identify); next, run:",
      '  pnpm switchyard answer g1 "<your answer>"',
      "what happened so far: pnpm switchyard trace g1",
    ]);
    expect(nextSteps(result("ok"))).toEqual([]);
  });
});
