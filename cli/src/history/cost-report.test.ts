import { describe, expect, it } from "vitest";
import { aggregateCosts, PLANNER_KEY } from "./cost-report.ts";
import { parseDuration } from "./duration.ts";
import { ev, llmGoalEvents, published, usage } from "./fixture-events.test-helpers.ts";
import { renderCostTable } from "./render-costs.ts";

/** A second goal, of bob@acme, with one researcher subtask; and a goal accepted before the window. */
function moreEvents(): unknown[] {
  const g = { goalId: "g5", subtaskId: "research", agent: "researcher" } as const;
  const old = { goalId: "g0", subtaskId: "write", agent: "writer" } as const;
  return [
    ev(0, { type: "goal.accepted", goalId: "g5", tenant: "acme", user: "bob", plan: "research" }),
    ev(1, { ...g, type: "subtask.dispatched", attempt: 1 }),
    ev(10, {
      ...g,
      type: "subtask.finished",
      status: "ok",
      usage: usage({ inputTokens: 1000, outputTokens: 200, costUsd: 0.02 }),
    }),
    // Published twice (a race between replicas records one result): counted once.
    ev(11, {
      ...g,
      type: "subtask.finished",
      status: "ok",
      usage: usage({ inputTokens: 1000, outputTokens: 200, costUsd: 0.02 }),
    }),
    ev(20, {
      ...old,
      type: "subtask.finished",
      status: "ok",
      usage: usage({ inputTokens: 7, outputTokens: 3, costUsd: 0.0001 }),
    }),
    ev(21, { type: "goal.finished", goalId: "g0", status: "ok", usage: usage({}) }),
    ev(30, { type: "goal.accepted", goalId: "g6", tenant: "globex", user: "alice", plan: "nope" }),
    "not an event",
    { type: "goal.accepted", goalId: "broken" },
  ];
}

describe("aggregateCosts", () => {
  const events = published([...llmGoalEvents(), ...moreEvents()]);

  it("sums subtask usage per user, attributing goals accepted before the window to (unknown)", () => {
    const { rows, total } = aggregateCosts(events, "user");
    expect(rows).toEqual([
      { key: "bob", goals: 1, subtasks: 1, inputTokens: 1000, outputTokens: 200, costUsd: 0.02 },
      { key: "alice", goals: 2, subtasks: 2, inputTokens: 530, outputTokens: 130, costUsd: 0.0067 },
      { key: "(unknown)", goals: 1, subtasks: 1, inputTokens: 7, outputTokens: 3, costUsd: 0.0001 },
    ]);
    expect(total).toEqual({
      key: "total",
      goals: 4,
      subtasks: 4,
      inputTokens: 1537,
      outputTokens: 333,
      costUsd: 0.0268,
    });
  });

  it("groups by tenant and by agent", () => {
    expect(aggregateCosts(events, "tenant").rows.map((r) => [r.key, r.goals, r.subtasks, r.costUsd])).toEqual([
      ["acme", 2, 3, 0.0267],
      ["(unknown)", 1, 1, 0.0001],
      ["globex", 1, 0, 0],
    ]);
    const byAgent = aggregateCosts(events, "agent");
    expect(byAgent.rows.map((r) => [r.key, r.goals, r.subtasks, r.inputTokens, r.outputTokens, r.costUsd])).toEqual([
      ["researcher", 2, 2, 1230, 270, 0.0227],
      ["writer", 2, 2, 307, 63, 0.0041],
    ]);
    expect(byAgent.total.goals).toBe(3); // g1, g5, g0 finished subtasks; g6 ran none
  });

  it("counts only what the coordinator and the agent that ran a subtask said, not what another agent claims", () => {
    // agent-keywords publishes, in its own name, a goal for mallory and runs it never did or did for others.
    const forged = published(
      [
        ev(40, { type: "goal.accepted", goalId: "g9", tenant: "acme", user: "mallory", plan: "demo" }),
        ev(41, {
          goalId: "g1",
          subtaskId: "research",
          agent: "researcher",
          type: "subtask.finished",
          attempt: 7,
          status: "ok",
          usage: usage({ inputTokens: 1e6, costUsd: 999 }),
        }),
      ],
      "agent-keywords",
    );
    // In its own agent's name, for a goal of the window, but an attempt the coordinator never dispatched.
    const undispatched = published([
      ev(42, {
        goalId: "g1",
        subtaskId: "research",
        agent: "researcher",
        type: "subtask.finished",
        attempt: 9,
        status: "ok",
        usage: usage({ inputTokens: 1e6, costUsd: 999 }),
      }),
    ]);
    expect(aggregateCosts([...events, ...forged, ...undispatched], "user")).toEqual(aggregateCosts(events, "user"));
    expect(aggregateCosts([...events, ...forged, ...undispatched], "agent")).toEqual(aggregateCosts(events, "agent"));
  });

  it("is empty without events, and renders a table with a total", () => {
    expect(aggregateCosts([], "user")).toEqual({
      rows: [],
      total: { key: "total", goals: 0, subtasks: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 },
    });
    expect(renderCostTable(aggregateCosts([], "agent"), "agent", "last 24h")).toBe(
      "no goals or subtasks in the last 24h",
    );
    const table = renderCostTable(aggregateCosts(events, "agent"), "agent", "last 24h").split("\n");
    expect(table).toEqual([
      "costs by agent, last 24h:",
      "AGENT       GOALS  SUBTASKS  INPUT TOKENS  OUTPUT TOKENS  COST USD",
      "researcher      2         2          1230            270   $0.0227",
      "writer          2         2           307             63   $0.0041",
      "----------  -----  --------  ------------  -------------  --------",
      "TOTAL           3         4          1537            333   $0.0268",
    ]);
  });
});

describe("parseDuration", () => {
  it("counts every paid attempt of a retried subtask and the planner's spend", () => {
    const g = { goalId: "g7", subtaskId: "research", agent: "researcher" } as const;
    const spent = usage({ inputTokens: 100, outputTokens: 10, costUsd: 0.01 });
    const retried = [
      ev(0, { type: "goal.accepted", goalId: "g7", tenant: "acme", user: "cy", plan: "llm" }),
      ev(1, {
        type: "plan.created",
        goalId: "g7",
        plan: { subtasks: [{ id: "research", agent: "researcher", input: {}, dependsOn: [] }] },
        usage: usage({ inputTokens: 50, outputTokens: 5, costUsd: 0.005 }),
      }),
      ev(2, { ...g, type: "subtask.dispatched", attempt: 1 }),
      ev(10, { ...g, type: "subtask.finished", attempt: 1, status: "failed", usage: spent }),
      ev(12, { ...g, type: "subtask.dispatched", attempt: 2 }),
      ev(20, { ...g, type: "subtask.finished", attempt: 2, status: "ok", usage: spent }),
      ev(21, { ...g, type: "subtask.finished", attempt: 2, status: "ok", usage: spent }), // published twice
    ];
    expect(aggregateCosts(published(retried), "user").rows).toEqual([
      { key: "cy", goals: 1, subtasks: 2, inputTokens: 250, outputTokens: 25, costUsd: 0.025 },
    ]);
    expect(aggregateCosts(published(retried), "agent").rows.map((r) => [r.key, r.subtasks, r.costUsd])).toEqual([
      ["researcher", 2, 0.02],
      [PLANNER_KEY, 0, 0.005],
    ]);
  });

  it("reads 30m, 24h, 7d and refuses anything else", () => {
    expect(parseDuration("30m")).toBe(1_800_000);
    expect(parseDuration("24h")).toBe(86_400_000);
    expect(parseDuration("7d")).toBe(604_800_000);
    expect(parseDuration("1.5h")).toBe(5_400_000);
    for (const bad of ["", "24", "h", "-1h", "0m", "2y", "1h30m"]) expect(parseDuration(bad)).toBeUndefined();
  });
});
