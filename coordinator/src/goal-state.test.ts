import { WIRE_VERSION, type ActionProposal, type Goal, type Plan, type SubtaskResult } from "@switchyard/contracts";
import { describe, expect, it } from "vitest";
import { readySubtasks } from "./dag.ts";
import {
  acceptedRecord,
  answerRecord,
  applyResult,
  cancelRecord,
  claimDispatch,
  settleProposal,
} from "./goal-state.ts";

const goal: Goal = { v: WIRE_VERSION, id: "g1", tenant: "acme", user: "ana", text: "t", budget: {} };
const diamond: Plan = {
  subtasks: [
    { id: "a", agent: "x", input: {}, dependsOn: [] },
    { id: "b", agent: "x", input: {}, dependsOn: ["a"] },
    { id: "c", agent: "x", input: {}, dependsOn: ["a"] },
    { id: "d", agent: "x", input: {}, dependsOn: ["b", "c"] },
  ],
};
const now = new Date("2026-01-01T00:00:01Z");
const result = (
  subtaskId: string,
  status: SubtaskResult["status"] = "ok",
  output: unknown = { from: subtaskId },
): SubtaskResult => ({
  v: WIRE_VERSION,
  goalId: "g1",
  subtaskId,
  idempotencyKey: `g1/${subtaskId}`,
  agent: "x",
  instance: "i1",
  attempt: 1,
  status,
  output: status === "ok" ? output : undefined,
  failure: status === "failed" ? { kind: "tool_error", message: "boom" } : undefined,
  usage: { steps: 1, inputTokens: 10, outputTokens: 5, costUsd: 0.01, ms: 7 },
  startedAt: now.toISOString(),
  finishedAt: now.toISOString(),
});

function runTo(ids: string[]) {
  let r = acceptedRecord(goal, diamond, { traceId: "a".repeat(32) }, new Date("2026-01-01T00:00:00Z"));
  r = claimDispatch(r, ids, now) ?? r;
  for (const id of ids) r = applyResult(r, result(id), now) ?? r;
  return r;
}

describe("goal state", () => {
  it("makes only subtasks whose dependencies finished ok ready", () => {
    const start = acceptedRecord(goal, diamond, { traceId: "a".repeat(32) }, now);
    expect(readySubtasks(start).map((s) => s.id)).toEqual(["a"]);
    expect(readySubtasks(runTo(["a"])).map((s) => s.id)).toEqual(["b", "c"]);
    expect(readySubtasks(runTo(["a", "b"])).map((s) => s.id)).toEqual(["c"]);
    expect(readySubtasks(runTo(["a", "b", "c"])).map((s) => s.id)).toEqual(["d"]);
  });

  it("claims a subtask once: a second claim changes nothing", () => {
    const start = acceptedRecord(goal, diamond, { traceId: "a".repeat(32) }, now);
    const claimed = claimDispatch(start, ["a"], now);
    expect(claimed?.subtasks["a"]).toMatchObject({ type: "dispatched", published: false });
    expect(claimed && claimDispatch(claimed, ["a"], now)).toBeUndefined();
  });

  it("ignores a duplicate result", () => {
    const r = runTo(["a"]);
    expect(applyResult(r, result("a", "ok", { other: true }), now)).toBeUndefined();
  });

  it("finishes ok with the sink's output and summed usage when every subtask is ok", () => {
    const r = runTo(["a", "b", "c", "d"]);
    expect(r.phase.type).toBe("finished");
    if (r.phase.type !== "finished") return;
    expect(r.phase.result.status).toBe("ok");
    expect(r.phase.result.output).toEqual({ from: "d" });
    expect(r.phase.result.subtasks.map((s) => s.subtaskId)).toEqual(["a", "b", "c", "d"]);
    expect(r.phase.result.usage).toMatchObject({ steps: 4, inputTokens: 40, outputTokens: 20 });
    expect(r.phase.result.usage.costUsd).toBeCloseTo(0.04);
    expect(r.phase.result.usage.ms).toBe(1000);
  });

  it("fails the goal on a failed subtask, names it, and skips what can no longer run", () => {
    const r0 = runTo(["a"]);
    const r = applyResult(claimDispatch(r0, ["b", "c"], now) ?? r0, result("b", "failed"), now);
    expect(r?.phase.type).toBe("finished");
    if (r?.phase.type !== "finished") return;
    expect(r.phase.result.status).toBe("failed");
    expect(r.phase.result.failure).toEqual({ kind: "tool_error", message: "boom", subtaskId: "b" });
    expect(r.subtasks["d"]).toMatchObject({ type: "skipped" });
    expect(r.phase.result.output).toBeUndefined();
  });

  it("ends with a limit status (not a failure) when a subtask hits a limit", () => {
    const r = applyResult(runTo([]), result("a", "limit_time"), now);
    expect(r?.phase.type === "finished" && r.phase.result.status).toBe("limit_time");
    expect(r?.phase.type === "finished" && r.phase.result.failure).toBeUndefined();
  });

  it("lets independent branches finish when a subtask pauses, then pauses the goal with its proposals", () => {
    const r0 = runTo(["a"]);
    const claimed = claimDispatch(r0, ["b", "c"], now) ?? r0;
    const paused = {
      ...result("b", "needs_approval"),
      proposals: [
        {
          id: "p1",
          goalId: "g1",
          subtaskId: "b",
          agent: "x",
          tool: "issue_refund",
          args: {},
          argsHash: "a".repeat(64),
          effectKey: "agent.x.effect.g1.b.issue_refund.aaa",
          reason: "over the limit",
          kind: "destructive" as const,
          status: "pending" as const,
        },
      ],
    };
    const afterB = applyResult(claimed, paused, now);
    expect(afterB?.phase.type).toBe("running");
    const afterC = afterB && applyResult(afterB, result("c"), now);
    expect(afterC?.phase.type).toBe("paused");
    if (afterC?.phase.type !== "paused") return;
    expect(afterC.phase.result.status).toBe("needs_approval");
    expect(afterC.phase.result.pendingApprovals).toEqual(["p1"]);
    // d depends on the paused b: it stays pending (not skipped) for when the approval resumes the goal.
    expect(afterC.subtasks["d"]).toEqual({ type: "pending" });
  });

  it("resumes a goal paused on needs_input with the answer, as the subtask's next attempt", () => {
    const paused = applyResult(claimDispatch(runTo([]), ["a"], now) ?? runTo([]), result("a", "needs_input"), now);
    expect(paused?.phase.type).toBe("paused");
    const answer = {
      v: WIRE_VERSION,
      goalId: "g1",
      text: "order A-1",
      answeredBy: "ann",
      at: now.toISOString(),
    } as const;
    const resumed = paused && answerRecord(paused, answer, "ann");
    expect(resumed?.phase).toEqual({ type: "running" });
    expect(resumed?.subtasks["a"]).toEqual({ type: "pending", attempt: 2 });
    expect(resumed?.answers?.["a"]).toEqual([{ text: "order A-1", answeredBy: "ann", at: now.toISOString() }]);
    // The paused attempt was paid for: it stays in the goal's usage when the next attempt reports only its own.
    expect(resumed?.spentOnFailedAttempts).toEqual([{ steps: 1, inputTokens: 10, outputTokens: 5, costUsd: 0.01 }]);
    const redispatched = resumed && claimDispatch(resumed, ["a"], now);
    expect(redispatched?.subtasks["a"]).toMatchObject({ type: "dispatched", attempt: 2 });
    // A late duplicate of attempt 1 does not count for attempt 2.
    expect(redispatched && applyResult(redispatched, result("a", "needs_input"), now)).toBeUndefined();
    // Nothing waits for input any more: another answer changes nothing.
    expect(redispatched && answerRecord(redispatched, answer, "ann")).toBeUndefined();
  });

  it("reports in the goal's usage every attempt it paid for, failed ones included", () => {
    const one: Plan = { subtasks: [{ id: "a", agent: "x", input: {}, dependsOn: [] }] };
    const retryOnce = { x: { retries: 1, backoffMs: 0, retryOn: ["tool_error" as const] } };
    let r = acceptedRecord(goal, one, { traceId: "a".repeat(32) }, new Date("2026-01-01T00:00:00Z"));
    r = claimDispatch(r, ["a"], now) ?? r;
    r = applyResult(r, result("a", "failed"), now, retryOnce) ?? r;
    expect(r.subtasks["a"]).toMatchObject({ type: "pending", attempt: 2 });
    r = claimDispatch(r, ["a"], now) ?? r;
    r = applyResult(r, { ...result("a"), attempt: 2 }, now, retryOnce) ?? r;
    expect(r.phase.type).toBe("finished");
    if (r.phase.type !== "finished") return;
    expect(r.phase.result.usage).toMatchObject({ steps: 2, inputTokens: 20, outputTokens: 10 });
    expect(r.phase.result.usage.costUsd).toBeCloseTo(0.02);
  });
});

describe("settling a proposal", () => {
  const one: Plan = { subtasks: [{ id: "a", agent: "x", input: {}, dependsOn: [] }] };
  const proposal = (id: string, over: Partial<ActionProposal> = {}): ActionProposal => ({
    id: id.repeat(32),
    goalId: "g1",
    subtaskId: "a",
    agent: "x",
    tool: "issue_refund",
    args: { orderId: "A-1" },
    argsHash: "a".repeat(64),
    effectKey: `agent.x.effect.g1.a.issue_refund.${id}`,
    reason: "asked",
    kind: "destructive",
    status: "pending",
    ...over,
  });
  /** A goal paused on subtask a's `needs_approval` result listing `proposals`. */
  function pausedOn(proposals: ActionProposal[]) {
    let r = acceptedRecord(goal, one, { traceId: "a".repeat(32) }, new Date("2026-01-01T00:00:00Z"));
    r = claimDispatch(r, ["a"], now) ?? r;
    const paused: SubtaskResult = {
      ...result("a", "needs_approval"),
      partialOutput: { refunded: true },
      proposals,
    };
    return applyResult(r, paused, now) ?? r;
  }

  it("keeps the goal paused while another proposal of the subtask is still open", () => {
    const r = pausedOn([proposal("1"), proposal("2")]);
    expect(r.phase.type).toBe("paused");
    const after = settleProposal(r, proposal("1", { status: "executed" }), "executed", now);
    expect(after?.phase.type).toBe("paused");
    expect(after?.subtasks["a"]).toMatchObject({ type: "finished", result: { status: "needs_approval" } });
  });

  it("finishes the subtask ok with its partial output once every destructive action was executed", () => {
    const r = pausedOn([proposal("1")]);
    // Approved but not yet run: still open.
    const approved = settleProposal(r, proposal("1", { status: "approved" }), "approved", now);
    expect(approved?.phase.type).toBe("paused");
    const done = settleProposal(approved ?? r, proposal("1", { status: "executed" }), "executed", now);
    expect(done?.phase.type).toBe("finished");
    if (done?.phase.type !== "finished") return;
    expect(done.phase.result).toMatchObject({ status: "ok", output: { refunded: true } });
  });

  it("fails the subtask policy_denied with who rejected it and why", () => {
    const r = pausedOn([proposal("1")]);
    const rejected = proposal("1", { status: "rejected", decidedBy: "rita" });
    const after = settleProposal(r, rejected, "customer got a voucher", now);
    expect(after?.phase.type).toBe("finished");
    if (after?.phase.type !== "finished") return;
    expect(after.phase.result.failure).toMatchObject({
      kind: "policy_denied",
      message: expect.stringMatching(/issue_refund \(proposal 1+\) rejected by rita: customer got a voucher/),
    });
  });

  it("sends an approved write back to its agent as the next attempt, allowed to make exactly that call", () => {
    const write = proposal("3", { kind: "write", tool: "send_email" });
    const r = pausedOn([write]);
    const after = settleProposal(r, { ...write, status: "approved" }, "approved", now);
    expect(after?.phase).toEqual({ type: "running" });
    expect(after?.subtasks["a"]).toEqual({ type: "pending", attempt: 2, agent: "x" });
    expect(after?.approvedEffects?.["a"]).toEqual([write.effectKey]);
    // The paused attempt was paid for: it stays in the goal's usage when the next attempt reports only its own.
    expect(after?.spentOnFailedAttempts).toEqual([{ steps: 1, inputTokens: 10, outputTokens: 5, costUsd: 0.01 }]);
  });

  it("changes nothing for a decision it already has, an unknown proposal, or a finished goal", () => {
    const r = pausedOn([proposal("1")]);
    expect(settleProposal(r, proposal("1"), "pending again", now)).toBeUndefined();
    expect(settleProposal(r, proposal("9", { status: "executed" }), "executed", now)).toBeUndefined();
    const cancelled = cancelRecord(r, "stop", now) ?? r;
    expect(settleProposal(cancelled, proposal("1", { status: "executed" }), "executed", now)).toBeUndefined();
  });
});

describe("cancelling", () => {
  it("ends a running goal cancelled: pending subtasks skipped, the reason kept, and only once", () => {
    const start = acceptedRecord(goal, diamond, { traceId: "a".repeat(32) }, new Date("2026-01-01T00:00:00Z"));
    const running = claimDispatch(start, ["a"], now) ?? start;
    const cancelled = cancelRecord(running, "customer withdrew", now);
    expect(cancelled?.phase.type).toBe("finished");
    if (cancelled?.phase.type !== "finished") return;
    expect(cancelled.phase.result.status).toBe("cancelled");
    expect(cancelled.subtasks["b"]).toEqual({ type: "skipped", reason: "customer withdrew" });
    // The subtask already dispatched is not marked skipped: its agent is told to stop; a late result changes nothing.
    expect(cancelled.subtasks["a"]).toMatchObject({ type: "dispatched" });
    expect(applyResult(cancelled, result("a"), now)).toBeUndefined();
    expect(cancelRecord(cancelled, "again", now)).toBeUndefined();
  });

  it("ends a goal paused for a person, too", () => {
    const one: Plan = { subtasks: [{ id: "a", agent: "x", input: {}, dependsOn: [] }] };
    let r = acceptedRecord(goal, one, { traceId: "a".repeat(32) }, now);
    r = claimDispatch(r, ["a"], now) ?? r;
    r = applyResult(r, result("a", "needs_input"), now) ?? r;
    expect(r.phase.type).toBe("paused");
    const cancelled = cancelRecord(r, "no answer coming", now);
    expect(cancelled?.phase).toMatchObject({ type: "finished", result: { status: "cancelled" } });
  });
});
