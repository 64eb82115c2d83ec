import { ActionProposal, Goal, WIRE_VERSION, wireNames, type GoalRecord, type Plan } from "@switchyard/contracts";
import { argsHashOf, proposalIdOf } from "@switchyard/infra";
import { describe, expect, it } from "vitest";
import { acceptedRecord, cancelRecord, claimDispatch } from "../goal-state.ts";
import { proposalRefusal } from "./proposal-check.ts";

const names = wireNames("sy");
const now = new Date("2026-01-01T00:00:00Z");
const goal = Goal.parse({ v: WIRE_VERSION, id: "g1", tenant: "acme", user: "ana", text: "refund A-1" });
const plan: Plan = {
  subtasks: [
    { id: "s1", agent: "refunds", input: {}, dependsOn: [] },
    { id: "s2", agent: "mailer", input: {}, dependsOn: [] },
  ],
};
const trace = { traceId: "a".repeat(32) };
/** A running goal whose subtasks were dispatched to their planned agents. */
const running = (): GoalRecord => {
  const accepted = acceptedRecord(goal, plan, trace, now);
  return claimDispatch(accepted, ["s1", "s2"], now) ?? accepted;
};

const args = { orderId: "A-1", amountUsd: 20 };

/** A proposal exactly as the agent derives it from its call. */
function proposal(over: { agent?: string; goalId?: string; subtaskId?: string; tool?: string } = {}): ActionProposal {
  const call = { agent: "refunds", goalId: "g1", subtaskId: "s1", tool: "issue_refund", ...over };
  const argsHash = argsHashOf(args);
  const effectKey = names.keys.effect(call.agent, call.goalId, call.subtaskId, call.tool, argsHash);
  return ActionProposal.parse({
    ...call,
    id: proposalIdOf(effectKey),
    args,
    argsHash,
    effectKey,
    reason: "the customer asked",
    kind: "destructive",
    status: "pending",
  });
}

const refusal = (p: ActionProposal, sender = "refunds", record: GoalRecord | undefined = running()) =>
  proposalRefusal(p, sender, record, names);

describe("proposalRefusal", () => {
  it("accepts a well-formed proposal from the agent its subtask was dispatched to", () => {
    expect(refusal(proposal())).toBeUndefined();
    expect(refusal(proposal({ agent: "mailer", subtaskId: "s2" }), "mailer")).toBeUndefined();
  });

  it("accepts it while the subtask is not yet dispatched (the planned agent) or the goal is paused", () => {
    expect(refusal(proposal(), "refunds", acceptedRecord(goal, plan, trace, now))).toBeUndefined();
    const ended = cancelRecord(running(), "stop", now);
    if (ended?.phase.type !== "finished") throw new Error("expected a finished record");
    const paused: GoalRecord = { ...running(), phase: { type: "paused", result: ended.phase.result, announced: true } };
    expect(refusal(proposal(), "refunds", paused)).toBeUndefined();
  });

  it("refuses a proposal published by another agent than the one it names", () => {
    expect(refusal(proposal(), "mailer")).toBe(`proposal names agent "refunds" but was published by agent "mailer"`);
  });

  it("refuses a proposal for an unknown goal", () => {
    expect(proposalRefusal(proposal(), "refunds", undefined, names)).toBe(`proposal for unknown goal "g1"`);
  });

  it("refuses a proposal for a goal that has ended", () => {
    const cancelled = cancelRecord(running(), "stop", now);
    expect(cancelled?.phase.type).toBe("finished");
    expect(refusal(proposal(), "refunds", cancelled)).toBe(`goal "g1" has ended (cancelled)`);
  });

  it("refuses a proposal for a subtask the goal's plan does not have", () => {
    expect(refusal(proposal({ subtaskId: "s9" }))).toBe(`goal "g1" has no subtask "s9"`);
    const unplanned: GoalRecord = { ...running(), plan: undefined };
    expect(refusal(proposal(), "refunds", unplanned)).toBe(`goal "g1" has no subtask "s1"`);
  });

  it("refuses a proposal for a subtask that was dispatched to another agent", () => {
    // mailer proposes for refunds' subtask, in its own name (so the sender check passes).
    expect(refusal(proposal({ agent: "mailer", subtaskId: "s1" }), "mailer")).toBe(
      `subtask "s1" of goal "g1" was dispatched to agent "refunds", not "mailer"`,
    );
  });

  it("follows a fallback agent: once a subtask goes to another agent, the planned one may no longer propose", () => {
    const base = running();
    const fallback: GoalRecord = {
      ...base,
      subtasks: {
        ...base.subtasks,
        s1: { type: "dispatched", attempt: 2, agent: "backup", dispatchedAt: now.toISOString(), published: true },
      },
    };
    expect(refusal(proposal({ agent: "backup" }), "backup", fallback)).toBeUndefined();
    expect(refusal(proposal(), "refunds", fallback)).toBe(
      `subtask "s1" of goal "g1" was dispatched to agent "backup", not "refunds"`,
    );
  });

  it("refuses an argsHash that is not the hash of the args (a reviewer would see other args than would run)", () => {
    const p = { ...proposal(), args: { orderId: "A-1", amountUsd: 2000 } };
    expect(refusal(p)).toBe(`argsHash ${p.argsHash.slice(0, 12)}… is not the hash of args`);
    expect(refusal({ ...proposal(), argsHash: "b".repeat(64) })).toBe(`argsHash bbbbbbbbbbbb… is not the hash of args`);
  });

  it("accepts args whose keys are in another order (the hash is of canonical JSON)", () => {
    expect(refusal({ ...proposal(), args: { amountUsd: 20, orderId: "A-1" } })).toBeUndefined();
  });

  it("refuses an effectKey that is not the call's own key", () => {
    const good = proposal();
    const key = names.keys.effect("refunds", "g1", "s1", "issue_refund", argsHashOf(args));
    // Another agent's key, another subtask's key, another tool's key: each would run a different call.
    for (const effectKey of [
      names.keys.effect("mailer", "g1", "s1", "issue_refund", good.argsHash),
      names.keys.effect("refunds", "g1", "s2", "issue_refund", good.argsHash),
      names.keys.effect("refunds", "g1", "s1", "delete_account", good.argsHash),
      names.keys.effect("refunds", "g2", "s1", "issue_refund", good.argsHash),
    ]) {
      const p = { ...good, effectKey, id: proposalIdOf(effectKey) };
      expect(refusal(p), effectKey).toBe(`effectKey "${effectKey}" is not the call's key "${key}"`);
    }
    // The tool named by the proposal is part of its key.
    const otherTool = { ...good, tool: "delete_account" };
    expect(refusal(otherTool)).toBe(
      `effectKey "${good.effectKey}" is not the call's key "${names.keys.effect("refunds", "g1", "s1", "delete_account", good.argsHash)}"`,
    );
  });

  it("refuses an id that is not derived from the effect key (no reuse of another proposal's id)", () => {
    const other = proposal({ tool: "send_refund_email" });
    const p = { ...proposal(), id: other.id };
    expect(refusal(p)).toBe(`id ${other.id} is not derived from the effect key`);
    expect(refusal({ ...proposal(), id: "0".repeat(32) })).toBe(
      `id ${"0".repeat(32)} is not derived from the effect key`,
    );
  });
});
