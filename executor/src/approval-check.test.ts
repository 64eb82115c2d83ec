import type { ActionProposal, ApprovalRecord, ApprovedAction } from "@switchyard/contracts";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { argsHashOf } from "@switchyard/infra";
import { checkApprovedAction } from "./approval-check.ts";
import { defineAction, type ActionDefinition } from "./define-action.ts";

const refund = defineAction({
  tool: "issue_refund",
  description: "Refunds an order.",
  input: z.object({ orderId: z.string().min(1), amountUsd: z.number().positive() }),
  run: async () => ({ refundId: "r1" }),
});
const actions = new Map<string, ActionDefinition>([[refund.tool, refund]]);
const args = { orderId: "A-1", amountUsd: 10 };
const P1 = "0123456789abcdef0123456789abcdef";
const proposal = (over: Partial<ActionProposal> = {}): ActionProposal => ({
  id: P1,
  goalId: "g1",
  subtaskId: "s1",
  agent: "refunds",
  tool: "issue_refund",
  args,
  argsHash: argsHashOf(args),
  effectKey: "action.0123456789abcdef0123456789abcdef",
  reason: "r",
  kind: "destructive",
  status: "approved",
  ...over,
});
const record = (over: Partial<ActionProposal> = {}, auto: Partial<ApprovalRecord> = {}): ApprovalRecord => ({
  v: 1,
  proposal: proposal(over),
  tenant: "acme",
  receivedAt: "2026-01-01T00:00:00.000Z",
  reviewBy: "2026-01-02T00:00:00.000Z",
  autoDecided: false,
  ...auto,
});
const message = (over: Partial<ActionProposal> = {}): ApprovedAction => ({
  v: 1,
  proposal: proposal(over),
  tenant: "acme",
  approvedBy: "alice",
  approvedAt: "2026-01-01T00:01:00.000Z",
});
const POLICY = { v: 1, version: "v2", since: "2026-01-01T00:00:00.000Z" } as const;
const check = (m: ApprovedAction, r: ApprovalRecord | undefined) =>
  checkApprovedAction({ message: m, record: r, policy: POLICY, actions });
const reason = (m: ApprovedAction, r: ApprovalRecord | undefined) => {
  const c = check(m, r);
  return c.ok ? "(ran)" : c.reason;
};

describe("checkApprovedAction", () => {
  it("runs an approved action whose args hash to the approved hash, with the args parsed by its schema", () => {
    const c = check(message(), record());
    expect(c).toEqual({ ok: true, action: refund, args });
  });

  it("hashes args by canonical JSON, so key order does not matter", () => {
    const reordered = { amountUsd: 10, orderId: "A-1" };
    expect(check(message({ args: reordered }), record()).ok).toBe(true);
  });

  it("refuses without an approval record", () => {
    expect(reason(message(), undefined)).toBe(`proposal ${P1} has no approval record`);
  });

  it.each(["pending", "rejected", "expired", "executed", "failed"] as const)("refuses a %s proposal", (status) => {
    expect(reason(message(), record({ status }))).toBe(`proposal ${P1} is ${status}, not approved`);
  });

  it("refuses a message for another tool, goal or subtask than the approved one", () => {
    expect(reason(message({ tool: "delete_account" }), record())).toMatch(/tool "delete_account" is not the approved/);
    expect(reason(message({ goalId: "g2" }), record())).toMatch(/goalId "g2" is not the approved "g1"/);
    expect(reason(message({ subtaskId: "s2" }), record())).toMatch(/subtaskId "s2"/);
    expect(reason(message({ agent: "mailer" }), record())).toMatch(/agent "mailer" is not the approved "refunds"/);
  });

  it("refuses args changed after approval, whether or not the message's hash was updated with them", () => {
    const changed = { orderId: "A-1", amountUsd: 10_000 };
    expect(reason(message({ args: changed, argsHash: argsHashOf(changed) }), record())).toMatch(
      /^args changed after approval: they hash to \w{12}, the approved args to \w{12}$/,
    );
    expect(reason(message({ args: changed }), record())).toMatch(/^args do not match the message's argsHash/);
  });

  it("refuses a tool the executor has no action for, naming the ones it has", () => {
    const other = { tool: "wire_money" };
    expect(reason(message(other), record(other))).toBe(
      'unknown action "wire_money" (this executor runs: issue_refund)',
    );
  });

  it("refuses approved args that break the action's input schema, naming the field", () => {
    const bad = { orderId: "A-1", amountUsd: -5 };
    const c = reason(
      message({ args: bad, argsHash: argsHashOf(bad) }),
      record({ args: bad, argsHash: argsHashOf(bad) }),
    );
    expect(c).toMatch(/^args break the issue_refund input schema: amountUsd: /);
  });
});

describe("approvals given under an older policy", () => {
  it("refuses an automatic approval given under another policy version, so the authority checks it again", () => {
    const c = check(message(), record({}, { autoDecided: true, policyVersion: "v1" }));
    expect(c).toMatchObject({ ok: false, code: "stale_policy" });
    expect(check(message(), record({}, { autoDecided: true, policyVersion: "v2" })).ok).toBe(true);
  });

  it("runs a person's approval whatever the policy version: a person decided, not the policy", () => {
    expect(check(message(), record({}, { autoDecided: false, policyVersion: "v1" })).ok).toBe(true);
  });
});
