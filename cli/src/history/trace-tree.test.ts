import { WIRE_VERSION } from "@switchyard/contracts";
import { describe, expect, it } from "vitest";
import { ev, llmGoalEvents, usage } from "./fixture-events.test-helpers.ts";
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
