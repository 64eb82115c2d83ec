import { WIRE_VERSION } from "@switchyard/contracts";
import { describe, expect, it } from "vitest";
import { approvedGoalEvents, approvedGoalResult, ev, llmGoalEvents, usage } from "./fixture-events.test-helpers.ts";
import { renderTrace } from "./render-trace.ts";
import type { TraceNode } from "./trace-node.ts";
import { buildTraceTree } from "./trace-tree.ts";

/** The tree reduced to `type: label [status]` and children, for readable assertions. */
type Outline = string | [string, Outline[]];
function outline(n: TraceNode): Outline {
  const head = `${n.type}: ${n.label}${n.status === undefined ? "" : ` [${n.status}]`}`;
  return n.children.length === 0 ? head : [head, n.children.map(outline)];
}

describe("buildTraceTree", () => {
  it("nests goal → subtasks (plan order) → model calls → the tool calls, checkpoints, proposals of their step", () => {
    const tree = buildTraceTree({ goalId: "g1", events: llmGoalEvents() });
    expect(outline(tree)).toEqual([
      "goal: goal g1 [limit_cost]",
      [
        [
          "subtask: research → researcher @ researcher-a [ok]",
          [
            ["model.call: model step 1 anthropic:claude-test → search [ok]", ["tool.call: tool search (read) [ok]"]],
            [
              "model.call: model summary anthropic:claude-test [ok]",
              ["context.summarized: context summarized at step 2"],
            ],
            "agent.mood: agent.mood",
            [
              "model.call: model step 3 anthropic:claude-test → final_answer [ok]",
              ["checkpoint: checkpoint at step 3 [ok]"],
            ],
          ],
        ],
        [
          "subtask: write → writer @ writer-b [limit_cost]",
          [
            [
              "model.call: model step 1 openai:gpt-test → refund [ok]",
              ["tool.call: tool refund (write) [proposed]", "proposal.created: proposal refund (write) [pending]"],
            ],
            "limit.hit: limit hit: limit_cost [limit_cost]",
          ],
        ],
        "goal.audited: goal.audited",
      ],
    ]);
  });

  it("carries usage, failure kind, time and detail on every node", () => {
    const tree = buildTraceTree({ goalId: "g1", events: llmGoalEvents() });
    expect(tree).toMatchObject({
      status: "limit_cost",
      tokens: 660,
      costUsd: 0.0067,
      ms: 1850,
      at: "2026-01-31T12:00:00.000Z",
      detail: "plan research-write · user alice · tenant acme",
    });
    const [research, write] = tree.children;
    expect(research).toMatchObject({ tokens: 300, costUsd: 0.0027, ms: 1200, at: "2026-01-31T12:00:00.002Z" });
    expect(write).toMatchObject({ status: "limit_cost", tokens: 360, detail: "after research" });
    expect(research?.children[0]).toMatchObject({
      tokens: 120,
      costUsd: 0.001,
      ms: 480,
      detail: "I will search first.",
    });
    expect(research?.children[0]?.children[0]).toMatchObject({ ms: 15, detail: '{"q":"budgets"}' });
    expect(research?.children[3]?.children[0]).toMatchObject({ detail: "2 established, 1 assumed, 0 unknown" });
    // Serializes to the documented shape: undefined fields vanish, children are always there.
    const json = JSON.parse(JSON.stringify(tree)) as TraceNode;
    expect(Object.keys(json).sort()).toEqual(
      ["at", "children", "costUsd", "detail", "label", "ms", "status", "tokens", "type"].sort(),
    );
  });

  it("fills a failed goal from its done message when events are missing, and marks unstarted subtasks skipped", () => {
    const done = {
      v: WIRE_VERSION,
      goalId: "g2",
      status: "failed",
      subtasks: [
        {
          v: WIRE_VERSION,
          goalId: "g2",
          subtaskId: "a",
          idempotencyKey: "g2/a",
          agent: "keywords",
          instance: "kw-1",
          attempt: 2,
          status: "failed",
          failure: { kind: "crashed", message: "agent died" },
          usage: usage({ ms: 40 }),
          startedAt: "2026-01-31T12:00:01.000Z",
          finishedAt: "2026-01-31T12:00:01.040Z",
        },
      ],
      usage: usage({ ms: 90 }),
      traceId: "0af7651916cd43dd8448eb211c80319c",
      failure: { kind: "crashed", message: "agent died", subtaskId: "a" },
      finishedAt: "2026-01-31T12:00:01.050Z",
    };
    const events = [
      ev(0, {
        type: "plan.created",
        goalId: "g2",
        plan: {
          subtasks: [
            { id: "a", agent: "keywords", input: {}, dependsOn: [] },
            { id: "b", agent: "report", input: {}, dependsOn: ["a"] },
          ],
        },
      }),
      ev(5, {
        goalId: "g2",
        subtaskId: "a",
        agent: "keywords",
        type: "subtask.replayed",
        instance: "kw-2",
        reason: "r",
      }),
    ];
    const tree = buildTraceTree({ goalId: "g2", events, done });
    expect(tree).toMatchObject({ status: "failed", failureKind: "crashed", detail: "failed in a: agent died" });
    expect(tree.children.map((c) => [c.label, c.status, c.failureKind])).toEqual([
      ["a → keywords @ kw-2 attempt 2 (replayed)", "failed", "crashed"],
      ["b → report", "skipped", undefined],
    ]);
    expect(tree.children[0]?.detail).toBe("replayed: r · agent died");
  });

  it("shows a goal that was only ever a duplicate, and one that is still running", () => {
    const dup = buildTraceTree({
      goalId: "g3",
      events: [ev(0, { type: "goal.duplicate", goalId: "g3", idempotencyKey: "k", originalGoalId: "g1" })],
    });
    expect(outline(dup)).toEqual(["goal: goal g3 [duplicate]", ["goal.duplicate: duplicate of goal g1 [duplicate]"]]);
    const running = buildTraceTree({ goalId: "g1", events: llmGoalEvents().slice(0, 4) });
    expect(running.status).toBe("running");
    expect(running.children.map((c) => c.status)).toEqual(["running", "pending"]);
  });

  it("does not nest a tool call under a model call of another step or attempt", () => {
    const ids = { goalId: "g4", subtaskId: "s", agent: "x" } as const;
    const tree = buildTraceTree({
      goalId: "g4",
      events: [
        ev(0, { ...ids, type: "subtask.started", attempt: 1, instance: "i" }),
        ev(1, {
          ...ids,
          type: "model.call",
          step: 1,
          purpose: "step",
          model: "m",
          text: "",
          toolCalls: [],
          inputTokens: 1,
          outputTokens: 0,
          costUsd: 0,
          ms: 1,
        }),
        ev(2, { ...ids, type: "subtask.started", attempt: 2, instance: "j" }),
        ev(3, { ...ids, type: "tool.call", step: 1, tool: "t", args: "{}", outcome: "invalid", result: "no", ms: 0 }),
      ],
    });
    expect(outline(tree.children[0] ?? tree)).toEqual([
      "subtask: s → x @ j attempt 2 [running]",
      ["model.call: model step 1 m [ok]", "tool.call: tool t [invalid]"],
    ]);
    expect(tree.children[0]?.children[1]?.detail).toBe("{} ⇒ no");
  });
});

describe("buildTraceTree: planning, people and cancellation", () => {
  it("shows the LLM planner as the goal's plan node, not as a subtask, and starts the goal with it", () => {
    const tree = buildTraceTree({ goalId: "g5", events: approvedGoalEvents(), done: approvedGoalResult() });
    expect(tree.at).toBe("2026-01-31T12:00:00.000Z");
    expect(tree.children[0]).toMatchObject({
      type: "plan",
      label: "plan llm",
      status: "ok",
      tokens: 500,
      costUsd: 0.002,
      ms: 30,
      at: "2026-01-31T12:00:00.000Z",
      detail: "1 subtask(s)",
    });
    expect(tree.children[0]?.children.map((c) => c.label)).toEqual(["model step 1 scripted:planner → submit_plan"]);
    expect(tree.children.filter((c) => c.type === "subtask").map((c) => c.label)).toEqual([
      "refund → refunds @ refunds-a",
    ]);
    // No line of the drawing starts before the goal.
    expect(renderTrace(tree)).not.toMatch(/^\s*-/m);
  });

  it("a plan that never came failed with its goal; one still being made is running", () => {
    const [plannerCall] = approvedGoalEvents();
    const failed = ev(100, { type: "goal.finished", goalId: "g5", status: "failed", usage: usage({}) });
    expect(buildTraceTree({ goalId: "g5", events: [plannerCall, failed] }).children[0]).toMatchObject({
      type: "plan",
      status: "failed",
    });
    expect(buildTraceTree({ goalId: "g5", events: [plannerCall] }).children[0]).toMatchObject({ status: "running" });
  });

  it("nests the decision and the executor's run under the proposal, and shows the pause and the resume", () => {
    const tree = buildTraceTree({ goalId: "g5", events: approvedGoalEvents(), done: approvedGoalResult() });
    expect(outline(tree)).toEqual([
      "goal: goal g5 [ok]",
      [
        ["plan: plan llm [ok]", ["model.call: model step 1 scripted:planner → submit_plan [ok]"]],
        [
          "subtask: refund → refunds @ refunds-a [ok]",
          [
            [
              "proposal.created: proposal issue_refund (destructive) [executed]",
              [
                "proposal.decided: approved by rita [approved]",
                "action.finished: executor ran issue_refund [executed]",
              ],
            ],
          ],
        ],
        "goal.paused: paused for an approval [needs_approval]",
        "goal.resumed: resumed by rita",
      ],
    ]);
    const paused = tree.children.find((c) => c.type === "goal.paused");
    expect(paused?.detail).toBe("waiting for approval of fedcba9876543210fedcba9876543210");
    const resumed = tree.children.find((c) => c.type === "goal.resumed");
    expect(resumed?.detail).toBe("proposal fedcba9876543210fedcba9876543210 of refund");
  });

  it("keeps a paused goal's unstarted subtasks pending, and shows who cancelled it", () => {
    const events = approvedGoalEvents().slice(0, 8);
    const plan = ev(41, {
      type: "plan.created",
      goalId: "g5",
      plan: {
        subtasks: [
          { id: "refund", agent: "refunds", input: {}, dependsOn: [] },
          { id: "reply", agent: "writer", input: {}, dependsOn: ["refund"] },
        ],
      },
    });
    events.splice(2, 1, plan);
    const paused = buildTraceTree({ goalId: "g5", events });
    expect(paused.children.find((c) => c.label.startsWith("reply"))?.status).toBe("pending");

    const cancelled = buildTraceTree({
      goalId: "g5",
      events: [
        ...events,
        ev(9_000, { type: "goal.finished", goalId: "g5", status: "cancelled", usage: usage({}) }),
        ev(9_001, { type: "goal.cancelled", goalId: "g5", requestedBy: "person:rita", reason: "customer withdrew" }),
      ],
    });
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.children.find((c) => c.label.startsWith("reply"))?.status).toBe("skipped");
    expect(cancelled.children.at(-1)).toMatchObject({
      type: "goal.cancelled",
      label: "cancelled by person:rita",
      status: "cancelled",
      detail: "customer withdrew",
    });
  });
});

describe("renderTrace", () => {
  it("draws one line per node with the time since the goal started", () => {
    const text = renderTrace(buildTraceTree({ goalId: "g1", events: llmGoalEvents() }));
    const lines = text.split("\n");
    expect(lines[0]).toBe(
      "+0.000s  goal g1  [limit_cost · 660 tok · $0.0067 · 1.9 s]  — plan research-write · user alice · tenant acme",
    );
    expect(lines[1]).toBe("+0.002s  ├─ research → researcher @ researcher-a  [ok · 300 tok · $0.0027 · 1.2 s]");
    expect(lines[2]).toMatch(/^\+0\.500s {2}│ {2}├─ model step 1 .* — I will search first\.$/);
    expect(lines[3]).toMatch(/^\+0\.520s {2}│ {2}│ {2}└─ tool search \(read\) {2}\[ok · 15 ms\]/);
    expect(text).toMatch(/└─ goal\.audited$/);
  });
});
