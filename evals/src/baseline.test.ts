import { describe, expect, it } from "vitest";
import { baselineOf, compareToBaseline } from "./baseline.ts";
import { caseReport, summarize, type EvalReport } from "./eval-report.ts";
import type { RunScore } from "./score-run.ts";

const run = (over: Partial<RunScore> = {}): RunScore => ({
  goalId: "g",
  status: "ok",
  checks: [
    { check: "outcome", score: 1, pass: true, reason: "status ok" },
    { check: "trajectory", score: 1, pass: true, reason: "same" },
    { check: "cost", score: 1, pass: true, reason: "under" },
  ],
  score: 1,
  pass: true,
  metrics: { tokens: 1000, costUsd: 0.01, steps: 4, wallMs: 900 },
  trajectories: { research: ["search_kb", "get_order"] },
  outputDigests: { goal: "aaa", reply: "bbb" },
  ...over,
});

const report = (...runs: RunScore[][]): EvalReport => {
  const cases = runs.map((r, i) => caseReport({ id: `case-${i}`, suite: "s" }, r));
  return { v: 1, startedAt: "", finishedAt: "", suites: [], cases, summary: summarize(cases, 1) };
};

describe("compareToBaseline", () => {
  const baseline = baselineOf(report([run()]));

  it("finds nothing when the run matches, whatever the wall time", () => {
    const again = report([run({ metrics: { tokens: 1050, costUsd: 0.0105, steps: 4, wallMs: 99_999 } })]);
    expect(compareToBaseline(again, baseline).regressions).toEqual([]);
  });

  it("names the case and check for a changed answer, path or cost", () => {
    const worse = report([
      run({
        outputDigests: { goal: "aaa", reply: "ccc" },
        trajectories: { research: ["search_kb"] },
        metrics: { tokens: 1200, costUsd: 0.01, steps: 5, wallMs: 900 },
      }),
    ]);
    expect(compareToBaseline(worse, baseline).regressions).toEqual([
      { caseId: "case-0", check: "outcome", reason: "the output of subtask reply changed (digest ccc, baseline bbb)" },
      { caseId: "case-0", check: "trajectory", reason: "research called search_kb, baseline search_kb → get_order" },
      { caseId: "case-0", check: "cost", reason: "tokens 1200, baseline 1000" },
      { caseId: "case-0", check: "cost", reason: "steps 5, baseline 4" },
    ]);
  });

  it("names a check that passed and now fails, and respects the score tolerance", () => {
    const failing = run({
      checks: [{ check: "outcome", score: 0.5, pass: false, reason: "status failed, expected ok" }],
      pass: false,
    });
    expect(compareToBaseline(report([failing]), baseline).regressions[0]).toEqual({
      caseId: "case-0",
      check: "outcome",
      reason: "failed (passed in the baseline): status failed, expected ok",
    });
    const lower = baselineOf(
      report([run({ checks: [{ check: "trajectory", score: 0.5, pass: false, reason: "x" }] })]),
    );
    const slightly = report([run({ checks: [{ check: "trajectory", score: 0.4, pass: false, reason: "y" }] })]);
    expect(compareToBaseline(slightly, lower, { score: 0.2, cost: 0.1 }).regressions).toEqual([]);
    expect(compareToBaseline(slightly, lower, { score: 0, cost: 0.1 }).regressions[0]?.check).toBe("trajectory");
  });

  it("lists added and missing cases without calling them regressions", () => {
    const two = report([run()], [run()]);
    const c = compareToBaseline(two, baseline);
    expect(c).toMatchObject({ regressions: [], added: ["case-1"], missing: [] });
    expect(compareToBaseline(report(), baseline).missing).toEqual(["case-0"]);
  });
});

describe("pass^k", () => {
  it("passes a case only when all its runs pass; pass@k when one does", () => {
    const r = report([run(), run({ pass: false })], [run(), run()]);
    expect(r.summary).toMatchObject({ cases: 2, passed: 1, passHatK: 0.5, passAtK: 1 });
    expect(r.cases[0]).toMatchObject({ pass: false, passRate: 0.5 });
  });
});
