import { GoalRecord, WIRE_VERSION, type GoalResult, type SubtaskResult, type Usage } from "@switchyard/contracts";
import { describe, expect, it } from "vitest";
import { matchesQuery, parseStatuses, summarizeGoal, type GoalSummary } from "./goal-summary.ts";
import { renderGoalTable } from "./render-goals.ts";

const TRACE = "0af7651916cd43dd8448eb211c80319c";
const usage = (u: Partial<Usage>): Usage => ({ steps: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, ms: 0, ...u });

function subtaskResult(goalId: string, subtaskId: string, status: SubtaskResult["status"], u: Partial<Usage>) {
  return {
    v: WIRE_VERSION,
    goalId,
    subtaskId,
    idempotencyKey: `${goalId}/${subtaskId}`,
    agent: "asker",
    instance: "asker-1",
    attempt: 1,
    status,
    usage: usage(u),
    ...(status === "needs_input" ? { assessment: { established: [], assumed: [], unknown: ["Which order?"] } } : {}),
    startedAt: "2026-01-31T12:00:00.000Z",
    finishedAt: "2026-01-31T12:00:01.000Z",
  };
}

function record(opts: {
  id: string;
  tenant?: string;
  user?: string;
  plan?: string;
  acceptedAt: string;
  phase: "running" | "paused" | "finished";
  status?: GoalResult["status"];
}): GoalRecord {
  const finished = subtaskResult(opts.id, "a", opts.phase === "paused" ? "needs_input" : "ok", {
    inputTokens: 10,
    outputTokens: 5,
    costUsd: 0.01,
  });
  const result = {
    v: WIRE_VERSION,
    goalId: opts.id,
    status: opts.status ?? "ok",
    subtasks: [finished],
    usage: usage({ inputTokens: 100, outputTokens: 50, costUsd: 0.2 }),
    traceId: TRACE,
    pendingApprovals: opts.phase === "paused" && opts.status === "needs_approval" ? ["p1"] : [],
    finishedAt: "2026-01-31T12:00:02.000Z",
  };
  return GoalRecord.parse({
    v: WIRE_VERSION,
    goal: {
      v: WIRE_VERSION,
      id: opts.id,
      tenant: opts.tenant ?? "acme",
      user: opts.user ?? "ana",
      text: `goal ${opts.id}`,
      plan: opts.plan,
    },
    traceId: TRACE,
    acceptedAt: opts.acceptedAt,
    subtasks: { a: { type: "finished", result: finished }, b: { type: "pending" } },
    plannerUsage: usage({ inputTokens: 1, outputTokens: 1, costUsd: 0.001 }),
    phase: opts.phase === "running" ? { type: "running" } : { type: opts.phase, result, announced: true },
  });
}

const running = summarizeGoal(
  record({ id: "r1", plan: "llm", acceptedAt: "2026-01-31T12:00:00.000Z", phase: "running" }),
);
const paused = summarizeGoal(
  record({ id: "p1", user: "bo", acceptedAt: "2026-01-31T11:00:00.000Z", phase: "paused", status: "needs_input" }),
);
const done = summarizeGoal(
  record({ id: "d1", tenant: "globex", plan: "demo", acceptedAt: "2026-01-30T12:00:00.000Z", phase: "finished" }),
);

describe("summarizeGoal", () => {
  it("a running goal: no result, what its finished subtasks and planner spent so far", () => {
    expect(running).toMatchObject({
      goalId: "r1",
      status: "running",
      plan: "llm",
      subtasks: { total: 2, finished: 1 },
      tokens: 17,
      costUsd: 0.011,
      finishedAt: undefined,
    });
  });

  it("a paused goal: its interim status and open questions; a finished one: its result's usage", () => {
    expect(paused).toMatchObject({
      status: "needs_input",
      plan: "(default)",
      questions: [{ subtaskId: "a", question: "Which order?" }],
    });
    expect(done).toMatchObject({ status: "ok", tokens: 150, costUsd: 0.2, finishedAt: "2026-01-31T12:00:02.000Z" });
  });
});

describe("matchesQuery", () => {
  const pick = (q: Parameters<typeof matchesQuery>[1]) =>
    [running, paused, done].filter((g) => matchesQuery(g, q)).map((g: GoalSummary) => g.goalId);

  it("filters by status (paused = either kind of waiting), plan, tenant, user and acceptance time", () => {
    expect(pick({})).toEqual(["r1", "p1", "d1"]);
    expect(pick({ statuses: ["paused"] })).toEqual(["p1"]);
    expect(pick({ statuses: ["running", "ok"] })).toEqual(["r1", "d1"]);
    expect(pick({ plan: "demo" })).toEqual(["d1"]);
    expect(pick({ plan: "(default)" })).toEqual(["p1"]);
    expect(pick({ tenant: "globex" })).toEqual(["d1"]);
    expect(pick({ user: "bo" })).toEqual(["p1"]);
    expect(pick({ since: new Date("2026-01-31T10:00:00.000Z") })).toEqual(["r1", "p1"]);
    expect(pick({ statuses: ["failed"], tenant: "acme" })).toEqual([]);
  });

  it("parses --status words, comma-separated or repeated, and refuses one it does not know", () => {
    expect(parseStatuses(["ok,failed", "paused"])).toEqual(["ok", "failed", "paused"]);
    expect(parseStatuses([])).toBeUndefined();
    expect(() => parseStatuses(["done"])).toThrow(/unknown status "done"/);
  });
});

describe("renderGoalTable", () => {
  it("one row per goal with the waiting goal's question under it", () => {
    const lines = renderGoalTable([paused, done]).split("\n");
    expect(lines[0]).toMatch(/^GOAL +STATUS +PLAN +USER@TENANT +ACCEPTED +SUBTASKS +TOKENS +COST +TEXT$/);
    expect(lines[1]).toMatch(
      /^p1 +needs_input +\(default\) +bo@acme +2026-01-31T11:00:00\.000Z +1\/2 +150 +\$0\.2000 +goal p1$/,
    );
    expect(lines[2]).toBe("    ? a: Which order?");
    expect(lines[3]).toMatch(/^d1 +ok +demo +ana@globex /);
    expect(lines.at(-1)).toBe("2 goal(s)");
    expect(renderGoalTable([])).toBe("no goals match");
  });
});
