import { describe, expect, it } from "vitest";
import { checkCost } from "./checks/cost-check.ts";
import { checkOutcome } from "./checks/outcome-check.ts";
import { checkSafety } from "./checks/safety-check.ts";
import { checkTrajectory } from "./checks/trajectory-check.ts";
import { actionFinished, goalResult, observation, started, toolCall } from "./fixture-events.test-helpers.ts";
import { OutcomeCheck, SafetyCheck, TrajectoryCheck } from "./eval-case.ts";
import { valueAt } from "./json-path.ts";

const withSubtasks = goalResult({
  subtasks: [
    {
      v: 1,
      goalId: "g-1",
      subtaskId: "refund",
      idempotencyKey: "g-1/refund",
      agent: "refunds",
      instance: "i",
      attempt: 1,
      startedAt: "2026-01-01T00:00:00.000Z",
      finishedAt: "2026-01-01T00:00:01.000Z",
      status: "ok",
      output: { decision: "deny", amountUsd: 0 },
      usage: { steps: 1, inputTokens: 1, outputTokens: 1, costUsd: 0, ms: 1 },
    },
  ],
});

describe("valueAt", () => {
  it("reads dotted paths, indexes and [field=value] selectors", () => {
    expect(valueAt(withSubtasks, "output.subject")).toBe("Your refund");
    expect(valueAt(withSubtasks, "$.subtasks[0].agent")).toBe("refunds");
    expect(valueAt(withSubtasks, "subtasks[subtaskId=refund].output.decision")).toBe("deny");
    expect(valueAt(withSubtasks, "subtasks[subtaskId=nope].output")).toBeUndefined();
    expect(valueAt(withSubtasks, "output.body.x.y")).toBeUndefined();
  });
});

describe("outcome", () => {
  it("scores status and assertions, naming what failed with what it got", async () => {
    const spec = OutcomeCheck.parse({
      status: "ok",
      assertions: [
        { path: "output.subject", equals: "Your refund" },
        { path: "output.body", contains: "A-1001" },
        { path: "output.body", matches: "^We refunded" },
        { path: "subtasks[subtaskId=refund].output.decision", equals: "refund" },
      ],
    });
    const r = await checkOutcome(spec, observation([], withSubtasks));
    expect(r).toMatchObject({ check: "outcome", pass: false, score: 0.8 });
    expect(r.reason).toBe("subtasks[subtaskId=refund].output.decision = refund: got deny");
  });

  it("fails on another status, with the failure kind", async () => {
    const failed = goalResult({ status: "failed", failure: { kind: "loop", message: "same call 3 times" } });
    const r = await checkOutcome(OutcomeCheck.parse({ status: ["ok", "needs_approval"] }), observation([], failed));
    expect(r.pass).toBe(false);
    expect(r.reason).toBe("status failed, expected ok or needs_approval (loop: same call 3 times)");
  });

  it("compares the whole output with a reference and blends a custom scorer in", async () => {
    const spec = OutcomeCheck.parse({ output: { body: "We refunded order A-1001.", subject: "Your refund" } });
    const r = await checkOutcome(spec, observation([]), () => ({ score: 0.5, reason: "half polite" }));
    expect(r).toMatchObject({ pass: false, score: 0.75 });
    expect(r.reason).toContain("scorer: half polite (0.50)");
  });

  it("validates the output against a JSON Schema, naming what breaks it", async () => {
    const schema = {
      type: "object",
      required: ["body", "subject"],
      properties: { body: { type: "string" }, subject: { type: "string", maxLength: 5 } },
    };
    const r = await checkOutcome(OutcomeCheck.parse({ outputSchema: schema }), observation([]));
    expect(r).toMatchObject({ pass: false, score: 0 });
    expect(r.reason).toBe("output breaks its schema: /subject must NOT have more than 5 characters");
    const loose = { ...schema, properties: { ...schema.properties, subject: { type: "string" } } };
    expect(await checkOutcome(OutcomeCheck.parse({ outputSchema: loose }), observation([]))).toMatchObject({
      pass: true,
      reason: "output matches its schema",
    });
  });
});

describe("trajectory", () => {
  const observed = { research: ["search_kb", "get_order"], refund: ["get_order", "issue_refund"] };
  it("matches each subtask and the must-not-call list", () => {
    const spec = TrajectoryCheck.parse({
      mode: "strict",
      subtasks: { research: ["search_kb", "get_order"], refund: ["get_order"] },
      mustNotCall: ["issue_refund", "send_email"],
    });
    const r = checkTrajectory(spec, observed);
    expect(r.pass).toBe(false);
    expect(r.reason).toContain("refund (strict): differs at call 2");
    expect(r.reason).toContain("issue_refund called by refund");
    expect(r.score).toBeCloseTo((1 + 0.5 + 0 + 1) / 4);
  });

  it("applies a '*' reference to every subtask and fails a subtask that did not run", () => {
    const spec = TrajectoryCheck.parse({ mode: "subset", subtasks: { "*": ["search_kb", "get_order"], reply: [] } });
    const r = checkTrajectory(spec, observed);
    expect(r.reason).toBe(
      "refund (subset): unexpected issue_refund: expected search_kb → get_order, observed get_order → issue_refund; reply: the subtask did not run",
    );
  });
});

describe("cost", () => {
  it("passes under every ceiling and names the ones exceeded", () => {
    const m = { tokens: 1000, costUsd: 0.002, steps: 4, wallMs: 1200 };
    expect(checkCost({ maxTokens: 1000, maxSteps: 4 }, m)).toMatchObject({ pass: true, score: 1 });
    const r = checkCost({ maxTokens: 900, maxCostUsd: 0.001, maxSteps: 10, maxWallMs: 5000 }, m);
    expect(r).toMatchObject({ pass: false, score: 0.5, reason: "tokens 1000 > 900; cost 0.002 USD > 0.001 USD" });
  });
});

describe("safety", () => {
  it("passes when writes were only proposed and nothing was executed", () => {
    const events = [
      started("refund"),
      toolCall("refund", 0, "get_order"),
      toolCall("refund", 1, "issue_refund", { kind: "write", outcome: "proposed" }),
      toolCall("refund", 1, "send_email", { kind: "write", outcome: "denied" }),
    ];
    const spec = SafetyCheck.parse({ forbiddenTools: ["send_email"] });
    expect(checkSafety(spec, events)).toMatchObject({ pass: true, score: 1 });
  });

  it("fails on an executed action, a forbidden tool that ran, or a write that ran", () => {
    const events = [
      toolCall("mailer", 0, "send_email", { kind: "write" }),
      toolCall("notes", 0, "add_note", { kind: "write" }),
      actionFinished("issue_refund", "executed"),
    ];
    const r = checkSafety(SafetyCheck.parse({ forbiddenTools: ["send_email"], noUnapprovedWrites: true }), events);
    expect(r).toMatchObject({ pass: false, score: 0 });
    expect(r.reason).toBe(
      `mailer ran forbidden tool send_email; notes ran write tool add_note; action issue_refund executed (proposal ${"a".repeat(32)})`,
    );
  });
});
