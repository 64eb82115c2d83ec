import type { ActionProposal, ApprovalRecord, ApprovedAction } from "@switchyard/contracts";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { argsHashOf, checkApprovedAction, PROPOSAL_ID_PATTERN } from "./approval-check.ts";
import { defineAction, type ActionDefinition } from "./define-action.ts";

const refund = defineAction({
  tool: "issue_refund",
  description: "Refunds an order.",
  input: z.object({ orderId: z.string().min(1), amountUsd: z.number().positive() }),
  run: async () => ({ refundId: "r1" }),
});
const actions = new Map<string, ActionDefinition>([[refund.tool, refund]]);
const args = { orderId: "A-1", amountUsd: 10 };
const proposal = (over: Partial<ActionProposal> = {}): ActionProposal => ({
  id: "p1",
  goalId: "g1",
  subtaskId: "s1",
  agent: "refunds",
  tool: "issue_refund",
  args,
  argsHash: argsHashOf(args),
  reason: "r",
  kind: "destructive",
  status: "approved",
  ...over,
});
const record = (over: Partial<ActionProposal> = {}): ApprovalRecord => ({
  v: 1,
  proposal: proposal(over),
  receivedAt: "2026-01-01T00:00:00.000Z",
  reviewBy: "2026-01-02T00:00:00.000Z",
  autoDecided: false,
});
const message = (over: Partial<ActionProposal> = {}): ApprovedAction => ({
  v: 1,
  proposal: proposal(over),
  approvedBy: "alice",
  approvedAt: "2026-01-01T00:01:00.000Z",
});
const check = (m: ApprovedAction, r: ApprovalRecord | undefined) =>
  checkApprovedAction({ message: m, record: r, actions });
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
    expect(reason(message(), undefined)).toBe("proposal p1 has no approval record");
  });

  it.each(["pending", "rejected", "expired", "executed", "failed"] as const)("refuses a %s proposal", (status) => {
    expect(reason(message(), record({ status }))).toBe(`proposal p1 is ${status}, not approved`);
  });

  it("refuses a message for another tool, goal or subtask than the approved one", () => {
    expect(reason(message({ tool: "delete_account" }), record())).toMatch(/tool "delete_account" is not the approved/);
    expect(reason(message({ goalId: "g2" }), record())).toMatch(/goalId "g2" is not the approved "g1"/);
    expect(reason(message({ subtaskId: "s2" }), record())).toMatch(/subtaskId "s2"/);
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

describe("PROPOSAL_ID_PATTERN", () => {
  it("accepts ids that are safe KV key parts and rejects the rest", () => {
    for (const id of ["0123abcdef", "p-1_x", "a.b", "a/b=c"]) expect(PROPOSAL_ID_PATTERN.test(id), id).toBe(true);
    for (const id of ["", "a b", ".a", "a.", "a..b", "a*", "a>"]) expect(PROPOSAL_ID_PATTERN.test(id), id).toBe(false);
  });
});
