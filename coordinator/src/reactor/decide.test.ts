// The goal state machine through the reactor's one pure decision: record + input + now → next record, and the
// messages that record owes. Inputs arrive in any order and any number of times.
import {
  WIRE_VERSION,
  type ActionProposal,
  type Goal,
  type GoalRecord,
  type Plan,
  type SubtaskResult,
} from "@switchyard/contracts";
import { describe, expect, it } from "vitest";
import type { FailurePolicies } from "../failure-policy.ts";
import { acceptedRecord } from "../goal-state.ts";
import { decide, type DecisionContext } from "./decide.ts";
import type { GoalInput } from "./goal-input.ts";
import { markSent, outboxOf, type Outgoing } from "./outbox.ts";

const DEFAULT_GOAL_MS = 600_000;
const t0 = new Date("2026-01-01T00:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);
const goal: Goal = { v: WIRE_VERSION, id: "g1", tenant: "acme", user: "ana", text: "t", budget: {} };
const diamond: Plan = {
  subtasks: [
    { id: "a", agent: "x", input: {}, dependsOn: [] },
    { id: "b", agent: "x", input: {}, dependsOn: ["a"] },
    { id: "c", agent: "y", input: {}, dependsOn: ["a"] },
    { id: "d", agent: "x", input: {}, dependsOn: ["b", "c"] },
  ],
};
const one: Plan = { subtasks: [{ id: "a", agent: "x", input: { orderId: "{{goal.input.orderId}}" }, dependsOn: [] }] };

function result(subtaskId: string, over: Partial<SubtaskResult> = {}): SubtaskResult {
  return {
    v: WIRE_VERSION,
    goalId: "g1",
    subtaskId,
    idempotencyKey: `g1/${subtaskId}`,
    agent: subtaskId === "c" ? "y" : "x",
    instance: "i1",
    attempt: 1,
    status: "ok",
    output: { from: subtaskId },
    usage: { steps: 1, inputTokens: 10, outputTokens: 5, costUsd: 0.01, ms: 7 },
    startedAt: t0.toISOString(),
    finishedAt: t0.toISOString(),
    ...over,
  };
}

function proposal(status: ActionProposal["status"]): ActionProposal {
  return {
    id: "p".repeat(32),
    goalId: "g1",
    subtaskId: "a",
    agent: "x",
    tool: "issue_refund",
    args: { orderId: "A-1", amountUsd: 20 },
    argsHash: "a".repeat(64),
    effectKey: "agent.x.effect.g1.a.issue_refund.1",
    reason: "the order arrived broken",
    kind: "destructive",
    status,
  };
}

/** Feeds inputs one after another as the reactor does: decide, then send what is owed and note it. */
function run(record: GoalRecord, inputs: GoalInput[], ctx: Partial<DecisionContext> = {}) {
  const sent: Outgoing[] = [];
  let r = record;
  for (const input of inputs) {
    r = decide(r, input, { now: t0, failurePolicies: {}, ...ctx }) ?? r;
    const out = outboxOf(r, DEFAULT_GOAL_MS);
    sent.push(...out);
    r = markSent(r, out) ?? r;
  }
  return { record: r, sent };
}

const start = (plan: Plan = diamond) => acceptedRecord(goal, plan, { traceId: "a".repeat(32) }, t0);
const tasks = (sent: Outgoing[]) =>
  sent.flatMap((o) => (o.kind === "task" ? [`${o.envelope.subtaskId}#${o.envelope.attempt}`] : []));
const ends = (sent: Outgoing[]) => sent.flatMap((o) => (o.kind === "finished" || o.kind === "paused" ? [o] : []));

describe("the goal reactor's decision", () => {
  it("dispatches a new goal's ready subtasks with its deadline timer, then owes nothing", () => {
    const { record, sent } = run(start(), [{ type: "submitted" }]);
    expect(tasks(sent)).toEqual(["a#1"]);
    expect(sent).toContainEqual({
      kind: "timer",
      timer: { goalId: "g1", kind: "deadline", at: at(DEFAULT_GOAL_MS).toISOString() },
    });
    expect(record.subtasks["a"]).toMatchObject({ type: "dispatched", published: true });
    expect(outboxOf(record, DEFAULT_GOAL_MS)).toEqual([]);
  });

  it("starts parallel branches in one decision and finishes once, whatever order the results come in", () => {
    const submitted = run(start(), [{ type: "submitted" }, { type: "result", result: result("a") }]);
    expect(tasks(submitted.sent)).toEqual(["a#1", "b#1", "c#1"]);
    const orders: Array<Array<"b" | "c">> = [
      ["b", "c"],
      ["c", "b"],
    ];
    const finals = orders.map((order) =>
      run(submitted.record, [
        ...order.map((id): GoalInput => ({ type: "result", result: result(id) })),
        // Redeliveries of every result, and a late wake: none changes anything.
        ...order.map((id): GoalInput => ({ type: "result", result: result(id) })),
        { type: "result", result: result("d") },
        { type: "result", result: result("d") },
        { type: "result", result: result("a") },
        { type: "wake" },
      ]),
    );
    for (const f of finals) {
      expect(tasks(f.sent)).toEqual(["d#1"]);
      expect(ends(f.sent)).toHaveLength(1);
      expect(f.record.phase).toMatchObject({ type: "finished", announced: true, result: { status: "ok" } });
    }
    expect(finals[0]?.record.phase).toEqual(finals[1]?.record.phase);
  });

  it("ignores a result of an earlier attempt once the subtask was sent again", () => {
    const policies: FailurePolicies = { x: { retries: 1, backoffMs: 0, retryOn: ["tool_error"] } };
    const failed = result("a", { status: "failed", output: undefined, failure: { kind: "tool_error", message: "x" } });
    const { record, sent } = run(
      start(one),
      [{ type: "submitted" }, { type: "result", result: failed }, { type: "result", result: result("a") }],
      { failurePolicies: policies },
    );
    // The late ok of attempt 1 does not finish the goal: attempt 2 is out and is the one that counts.
    expect(tasks(sent)).toEqual(["a#1", "a#2"]);
    expect(record.phase.type).toBe("running");
    const done = run(record, [{ type: "result", result: result("a", { attempt: 2 }) }]);
    expect(done.record.phase).toMatchObject({ type: "finished", result: { status: "ok" } });
    // Every attempt's spend counts: what the budget checks is what the result reports.
    if (done.record.phase.type !== "finished") return;
    expect(done.record.phase.result.usage).toMatchObject({ steps: 2, inputTokens: 20 });
  });

  it("waits out a retry's backoff: a timer is owed once, and the subtask goes out only when it is due", () => {
    const policies: FailurePolicies = { x: { retries: 1, backoffMs: 2_000, retryOn: ["tool_error"] } };
    const failed = result("a", { status: "failed", output: undefined, failure: { kind: "tool_error", message: "x" } });
    const waiting = run(start(one), [{ type: "submitted" }, { type: "result", result: failed }], {
      failurePolicies: policies,
    });
    const timers = waiting.sent.filter((o) => o.kind === "timer" && o.timer.kind === "retry");
    expect(timers).toEqual([
      { kind: "timer", timer: { goalId: "g1", kind: "retry", subtaskId: "a", at: at(2_000).toISOString() } },
    ]);
    expect(waiting.record.subtasks["a"]).toMatchObject({ type: "pending", attempt: 2, timerScheduled: true });
    // Woken early (a redelivery): nothing yet. Woken at its time: dispatched.
    const early = run(waiting.record, [{ type: "wake" }], { now: at(1_000), failurePolicies: policies });
    expect(early.sent).toEqual([]);
    const due = run(waiting.record, [{ type: "wake" }], { now: at(2_000), failurePolicies: policies });
    expect(tasks(due.sent)).toEqual(["a#2"]);
  });

  it("settles an approval whichever comes first: the executor's outcome or the result that asked for it", () => {
    const paused = result("a", {
      status: "needs_approval",
      output: undefined,
      partialOutput: { refunded: true },
      proposals: [proposal("pending")],
    });
    const submitted = run(start(one), [{ type: "submitted" }]).record;
    // The outcome first: the subtask has not asked yet, so it changes nothing (the approval authority settles the
    // goal again from its record once the result is in)...
    expect(decide(submitted, { type: "proposal", proposal: proposal("executed"), note: "executed" }, ctx0())).toBe(
      undefined,
    );
    // ...then the result pauses the goal, and the outcome, fed again, finishes it — once.
    const { record, sent } = run(submitted, [
      { type: "result", result: paused },
      { type: "proposal", proposal: proposal("executed"), note: "executed" },
      { type: "proposal", proposal: proposal("executed"), note: "executed" },
      { type: "result", result: paused },
    ]);
    expect(ends(sent).map((o) => [o.kind, o.result.status])).toEqual([
      ["paused", "needs_approval"],
      ["finished", "ok"],
    ]);
    expect(record.phase).toMatchObject({ type: "finished", result: { output: { refunded: true } } });
  });

  it("resumes an approved write by sending the subtask again, allowed exactly that call", () => {
    const write = { ...proposal("pending"), kind: "write" as const };
    const paused = result("a", { status: "needs_approval", output: undefined, proposals: [write] });
    const { record, sent } = run(start(one), [
      { type: "submitted" },
      { type: "result", result: paused },
      { type: "proposal", proposal: { ...write, status: "approved" }, note: "approved" },
    ]);
    const resent = sent.flatMap((o) => (o.kind === "task" && o.envelope.attempt === 2 ? [o.envelope] : []));
    expect(resent).toHaveLength(1);
    expect(resent[0]?.approvedEffects).toEqual([write.effectKey]);
    expect(record.phase.type).toBe("running");
  });

  it("resumes a question with the person's answer in the envelope, and ignores a second answer", () => {
    const asks = result("a", {
      status: "needs_input",
      output: undefined,
      assessment: { established: [], assumed: [], unknown: ["which order?"] },
    });
    const answer = { v: WIRE_VERSION, goalId: "g1", text: "A-1", at: t0.toISOString() } as const;
    const { record, sent } = run(start(one), [
      { type: "submitted" },
      { type: "result", result: asks },
      { type: "answer", answer, answeredBy: "rita" },
    ]);
    expect(ends(sent).map((o) => o.result.status)).toEqual(["needs_input"]);
    const resent = sent.flatMap((o) => (o.kind === "task" && o.envelope.attempt === 2 ? [o.envelope] : []));
    expect(resent[0]?.answers).toEqual([{ text: "A-1", answeredBy: "rita", at: t0.toISOString() }]);
    expect(decide(record, { type: "answer", answer, answeredBy: "rita" }, ctx0())).toBeUndefined();
  });

  it("cancels a running goal once: pending subtasks skipped, running ones stopped, later inputs ignored", () => {
    const running = run(start(), [{ type: "submitted" }]).record;
    const { record, sent } = run(running, [
      { type: "cancel", reason: "customer withdrew" },
      { type: "cancel", reason: "again" },
      { type: "result", result: result("a") },
      { type: "deadline" },
    ]);
    expect(ends(sent)).toEqual([expect.objectContaining({ kind: "finished", stopOutstanding: true })]);
    expect(record.phase).toMatchObject({ type: "finished", result: { status: "cancelled" } });
    expect(record.subtasks["b"]).toEqual({ type: "skipped", reason: "customer withdrew" });
    expect(record.subtasks["a"]).toMatchObject({ type: "dispatched" });
  });

  it("honours a cancellation recorded in KV over the result it meets", () => {
    const running = run(start(one), [{ type: "submitted" }]).record;
    const after = decide(running, { type: "result", result: result("a") }, { ...ctx0(), cancelled: { reason: "r" } });
    expect(after?.phase).toMatchObject({ type: "finished", result: { status: "cancelled" } });
  });

  it("ends a running goal at its deadline, but not one that waits for a person", () => {
    const running = run(start(one), [{ type: "submitted" }]).record;
    expect(decide(running, { type: "deadline" }, ctx0())?.phase).toMatchObject({
      type: "finished",
      result: { status: "limit_time" },
    });
    const asks = result("a", { status: "needs_input", output: undefined });
    const waiting = run(running, [{ type: "result", result: asks }]).record;
    expect(waiting.phase.type).toBe("paused");
    expect(decide(waiting, { type: "deadline" }, ctx0())).toBeUndefined();
  });

  it("marks only what is still owed as it was sent", () => {
    const policies: FailurePolicies = { x: { retries: 1, backoffMs: 0, retryOn: ["tool_error"] } };
    const claimed = decide(start(one), { type: "submitted" }, ctx0()) ?? start(one);
    const owedFirst = outboxOf(claimed, DEFAULT_GOAL_MS);
    // Before the send is noted, attempt 1 failed and attempt 2 was claimed: noting attempt 1's send must not mark
    // attempt 2 as sent.
    const failed = result("a", { status: "failed", output: undefined, failure: { kind: "tool_error", message: "x" } });
    const retried = decide(claimed, { type: "result", result: failed }, { ...ctx0(), failurePolicies: policies });
    expect(retried?.subtasks["a"]).toMatchObject({ type: "dispatched", attempt: 2, published: false });
    const noted = retried && markSent(retried, owedFirst);
    expect(noted?.subtasks["a"]).toMatchObject({ attempt: 2, published: false });
    expect(noted?.deadlineScheduled).toBe(true);
  });
});

function ctx0(): DecisionContext {
  return { now: t0, failurePolicies: {} };
}

describe("outputs held for review", () => {
  const held: Plan = {
    subtasks: [
      { id: "a", agent: "x", input: {}, dependsOn: [], review: "when-assumed" },
      { id: "b", agent: "x", input: {}, dependsOn: ["a"] },
    ],
  };
  const assumes = result("a", { assessment: { established: [], assumed: ["the customer is C-42"], unknown: [] } });
  const review = (decision: "accept" | "edit" | "reject", extra: object = {}) =>
    ({ v: WIRE_VERSION, goalId: "g1", subtaskId: "a", decision, at: t0.toISOString(), ...extra }) as const;

  it("holds an output whose checkpoint assumed something, and lets one that assumed nothing through", () => {
    const waiting = run(start(held), [{ type: "submitted" }, { type: "result", result: assumes }]);
    expect(waiting.record.phase).toMatchObject({ type: "paused", result: { status: "needs_review" } });
    expect(tasks(waiting.sent)).toEqual(["a#1"]);
    const through = run(start(held), [{ type: "submitted" }, { type: "result", result: result("a") }]);
    expect(tasks(through.sent)).toEqual(["a#1", "b#1"]);
  });

  it("goes on with an accepted or edited output, recording who reviewed it; a second review changes nothing", () => {
    const waiting = run(start(held), [{ type: "submitted" }, { type: "result", result: assumes }]).record;
    const edited = run(waiting, [
      { type: "review", review: review("edit", { output: { from: "rita" } }), reviewedBy: "rita" },
    ]);
    const sentB = edited.sent.flatMap((o) => (o.kind === "task" ? [o.envelope] : []));
    expect(sentB.map((e) => [e.subtaskId, e.upstream])).toEqual([["b", { a: { from: "rita" } }]]);
    expect(edited.record.subtasks["a"]).toMatchObject({
      type: "finished",
      result: { status: "ok", review: { decision: "edit", by: "rita" } },
    });
    expect(decide(edited.record, { type: "review", review: review("accept"), reviewedBy: "rita" }, ctx0())).toBe(
      undefined,
    );
  });

  it("fails the subtask on a rejection, with who rejected it and why", () => {
    const waiting = run(start(held), [{ type: "submitted" }, { type: "result", result: assumes }]).record;
    const after = decide(
      waiting,
      { type: "review", review: review("reject", { reason: "wrong customer" }), reviewedBy: "rita" },
      ctx0(),
    );
    expect(after?.phase).toMatchObject({
      type: "finished",
      result: {
        status: "failed",
        failure: { kind: "policy_denied", message: "output rejected by rita: wrong customer" },
      },
    });
  });
});
