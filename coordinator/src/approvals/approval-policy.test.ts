import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ActionProposal, Goal, WIRE_VERSION } from "@switchyard/contracts";
import { afterEach, describe, expect, it } from "vitest";
import {
  ApprovalPolicies,
  checkRule,
  loadApprovalPolicies,
  policyVersion,
  valueAt,
  type RuleVerdict,
} from "./approval-policy.ts";

const policies = ApprovalPolicies.parse({
  tools: {
    issue_refund: { autoApprove: { path: "amountUsd", max: 50, entities: ["orderId"] } },
    credit: { autoApprove: { path: "credit.amount", max: 5 } },
    send_email: {},
  },
});

const proposal = (args: unknown, tool = "issue_refund"): ActionProposal =>
  ActionProposal.parse({
    id: "0123456789abcdef0123456789abcdef",
    goalId: "g1",
    subtaskId: "s1",
    agent: "refunds",
    tool,
    args,
    argsHash: "a".repeat(64),
    effectKey: `agent.refunds.effect.g1.s1.${tool}.${"a".repeat(64)}`,
    reason: "the customer asked",
    kind: "destructive",
    status: "pending",
  });

const goal = (input?: Record<string, unknown>, text = "Refund order A-1 for ana"): Goal =>
  Goal.parse({ v: WIRE_VERSION, id: "g1", tenant: "acme", user: "ana", text, input });

const reasonOf = (v: RuleVerdict) => (v.ok ? "(approved)" : v.reason);

describe("checkRule", () => {
  const orderGoal = goal({ orderId: "A-1" });

  it("approves an amount within the rule for an entity the goal's input names, with the amount to count", () => {
    const verdict = checkRule(policies, proposal({ orderId: "A-1", amountUsd: 20 }), orderGoal);
    expect(verdict).toEqual({ ok: true, amount: 20, rule: policies.tools["issue_refund"]?.autoApprove });
  });

  it("approves exactly the maximum, and not a cent more", () => {
    expect(checkRule(policies, proposal({ orderId: "A-1", amountUsd: 50 }), orderGoal)).toMatchObject({
      ok: true,
      amount: 50,
    });
    expect(reasonOf(checkRule(policies, proposal({ orderId: "A-1", amountUsd: 50.01 }), orderGoal))).toBe(
      "amountUsd 50.01 > 50 (policy)",
    );
  });

  it("sends an amount above the maximum to a person", () => {
    expect(reasonOf(checkRule(policies, proposal({ orderId: "A-1", amountUsd: 500 }), orderGoal))).toBe(
      "amountUsd 500 > 50 (policy)",
    );
  });

  it.each([
    ["a string", "20"],
    ["missing", undefined],
    ["negative", -5],
    ["infinite", Number.POSITIVE_INFINITY],
    ["not a number", Number.NaN],
    ["null", null],
    ["an object", { value: 20 }],
  ])("sends an amount that is %s to a person", (_what, amountUsd) => {
    expect(reasonOf(checkRule(policies, proposal({ orderId: "A-1", amountUsd }), orderGoal))).toBe(
      "amountUsd is not an amount",
    );
  });

  it("reads the amount at a dot path", () => {
    const verdict = checkRule(policies, proposal({ credit: { amount: 3 } }, "credit"), goal());
    expect(verdict).toMatchObject({ ok: true, amount: 3 });
    expect(reasonOf(checkRule(policies, proposal({ credit: { amount: 6 } }, "credit"), goal()))).toBe(
      "credit.amount 6 > 5 (policy)",
    );
    expect(reasonOf(checkRule(policies, proposal({ credit: 3 }, "credit"), goal()))).toBe(
      "credit.amount is not an amount",
    );
  });

  it("sends a call on an entity the goal's input does not name to a person, even when the goal's text names it", () => {
    const g = goal({ orderId: "A-1" }, "Refund orders A-1 and B-7");
    const verdict = checkRule(policies, proposal({ orderId: "B-7", amountUsd: 10 }), g);
    expect(verdict.ok).toBe(false);
    expect(reasonOf(verdict)).toBe(
      `orderId "B-7" is not named in the goal's input: a person checks calls on other entities`,
    );
  });

  it("sends a call naming no entity, or naming one in a goal without input, to a person", () => {
    expect(reasonOf(checkRule(policies, proposal({ amountUsd: 10 }), orderGoal))).toMatch(
      /^orderId undefined is not named in the goal's input/,
    );
    expect(reasonOf(checkRule(policies, proposal({ orderId: { id: "A-1" }, amountUsd: 10 }), orderGoal))).toMatch(
      /^orderId \{"id":"A-1"\} is not named/,
    );
    expect(reasonOf(checkRule(policies, proposal({ orderId: "A-1", amountUsd: 10 }), goal(undefined, "A-1")))).toMatch(
      /^orderId "A-1" is not named in the goal's input/,
    );
  });

  it("finds an entity in the input's top-level field of the same name, or its list, with the same type", () => {
    const several = goal({ orderId: ["A-1", 42] });
    expect(checkRule(policies, proposal({ orderId: "A-1", amountUsd: 1 }), several).ok).toBe(true);
    expect(checkRule(policies, proposal({ orderId: 42, amountUsd: 1 }), several).ok).toBe(true);
    expect(checkRule(policies, proposal({ orderId: "A-2", amountUsd: 1 }), several).ok).toBe(false);
    expect(checkRule(policies, proposal({ orderId: "42", amountUsd: 1 }), several).ok).toBe(false);
  });

  it("does not take an entity nested in other data, which outside text may have filled", () => {
    // A ticket thread the backend passes along holds whatever the customer wrote, structured or not.
    const ticket = goal({ orderId: "A-1", thread: [{ from: "customer", orderId: "B-666" }] });
    expect(reasonOf(checkRule(policies, proposal({ orderId: "B-666", amountUsd: 1 }), ticket))).toMatch(
      /^orderId "B-666" is not named in the goal's input/,
    );
    expect(checkRule(policies, proposal({ orderId: "A-1", amountUsd: 1 }), ticket).ok).toBe(true);
  });

  it("does not take an equal value of another field for the entity", () => {
    const input = goal({ orderId: "A-1", maxRefundUsd: 20, note: "A-9" });
    expect(reasonOf(checkRule(policies, proposal({ orderId: 20, amountUsd: 5 }), input))).toMatch(
      /orderId 20 is not named/,
    );
    expect(checkRule(policies, proposal({ orderId: "A-9", amountUsd: 5 }), input).ok).toBe(false);
  });

  it("checks the amount before the entities", () => {
    expect(reasonOf(checkRule(policies, proposal({ orderId: "B-7", amountUsd: 99 }), orderGoal))).toBe(
      "amountUsd 99 > 50 (policy)",
    );
  });

  it("sends a tool without an automatic-approval rule to a person", () => {
    expect(reasonOf(checkRule(policies, proposal({ to: "a@b.c" }, "delete_account"), orderGoal))).toBe(
      "no automatic approval is configured for delete_account",
    );
    expect(reasonOf(checkRule(policies, proposal({ to: "a@b.c" }, "send_email"), orderGoal))).toBe(
      "no automatic approval is configured for send_email",
    );
    expect(reasonOf(checkRule(ApprovalPolicies.parse({}), proposal({ amountUsd: 1 }), orderGoal))).toBe(
      "no automatic approval is configured for issue_refund",
    );
  });
});

describe("valueAt", () => {
  it("reads nested values and is undefined off the path", () => {
    const v = { a: { b: { c: 3 } }, list: [10, 20] };
    expect(valueAt(v, "a.b.c")).toBe(3);
    expect(valueAt(v, "a.b")).toEqual({ c: 3 });
    expect(valueAt(v, "list.1")).toBe(20);
    expect(valueAt(v, "a.x.c")).toBeUndefined();
    expect(valueAt(v, "a.b.c.d")).toBeUndefined();
    expect(valueAt(null, "a")).toBeUndefined();
    expect(valueAt("text", "length")).toBeUndefined();
  });
});

describe("policyVersion", () => {
  it("is a short hash that changes when the policy changes", () => {
    const v = policyVersion(policies);
    expect(v).toMatch(/^[0-9a-f]{16}$/);
    const raised = ApprovalPolicies.parse({
      tools: {
        issue_refund: { autoApprove: { path: "amountUsd", max: 51, entities: ["orderId"] } },
        credit: { autoApprove: { path: "credit.amount", max: 5 } },
        send_email: {},
      },
    });
    expect(policyVersion(raised)).not.toBe(v);
    expect(policyVersion({ ...policies, reviewMs: 1_000 })).not.toBe(v);
    expect(policyVersion({ ...policies, tools: {} })).not.toBe(v);
  });

  it("does not change with key order or with defaults spelled out", () => {
    const reordered = ApprovalPolicies.parse({
      tools: {
        send_email: {},
        credit: { autoApprove: { max: 5, path: "credit.amount", entities: [] } },
        issue_refund: { autoApprove: { entities: ["orderId"], max: 50, path: "amountUsd" } },
      },
      reviewMs: 86_400_000,
    });
    expect(policyVersion(reordered)).toBe(policyVersion(policies));
  });
});

describe("loadApprovalPolicies", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const file = (text: string) => {
    dir = mkdtempSync(join(tmpdir(), "sy-policies-"));
    const path = join(dir, "policies.json");
    writeFileSync(path, text);
    return path;
  };

  it("defaults to no automatic approvals and a 24 h review time without a file", () => {
    expect(loadApprovalPolicies(undefined)).toEqual({ reviewMs: 86_400_000, tools: {} });
    expect(loadApprovalPolicies("")).toEqual({ reviewMs: 86_400_000, tools: {} });
  });

  it("reads a file and fills in defaults", () => {
    const loaded = loadApprovalPolicies(
      file(JSON.stringify({ tools: { issue_refund: { autoApprove: { path: "amountUsd", max: 50 } } } })),
    );
    expect(loaded).toEqual({
      reviewMs: 86_400_000,
      tools: { issue_refund: { autoApprove: { path: "amountUsd", max: 50, entities: [] } } },
    });
  });

  it("fails naming the variable, the file and the field", () => {
    const bad = file(JSON.stringify({ tools: { issue_refund: { autoApprove: { path: "amountUsd", max: -1 } } } }));
    expect(() => loadApprovalPolicies(bad)).toThrow(
      expect.objectContaining({ code: "SY_ERR_CONFIG_INVALID", message: expect.stringContaining(bad) }),
    );
    expect(() => loadApprovalPolicies(bad)).toThrow(
      /SY_APPROVAL_POLICIES_FILE=.*tools\.issue_refund\.autoApprove\.max/,
    );
    expect(() => loadApprovalPolicies(file("{ not json"))).toThrow(/SY_APPROVAL_POLICIES_FILE=/);
    expect(() => loadApprovalPolicies(join(tmpdir(), "sy-no-such-policies.json"))).toThrow(
      /SY_APPROVAL_POLICIES_FILE=.*sy-no-such-policies\.json/,
    );
  });
});
