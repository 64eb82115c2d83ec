import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareToBaseline, baselineOf } from "./baseline.ts";
import { EvalCase } from "./eval-case.ts";
import { caseReport, summarize, type EvalReport } from "./eval-report.ts";
import { appendHumanScore, readHumanScores } from "./human-scores.ts";
import { exportCase } from "./interop.ts";
import { junitOf } from "./junit.ts";

const c = EvalCase.parse({
  id: "refund-1",
  tags: ["support"],
  goal: { text: "Refund A-1", plan: "support", input: { orderId: "A-1" } },
  checks: { outcome: { status: "ok", output: { decision: "refund" } } },
});

describe("interop export", () => {
  it("maps a case to promptfoo, OpenAI Evals and Inspect lines", () => {
    expect(exportCase(c, "promptfoo")).toEqual({
      description: "refund-1",
      vars: { id: "refund-1", text: "Refund A-1", plan: "support", input: { orderId: "A-1" } },
      assert: [
        { type: "equals", value: { decision: "refund" } },
        { type: "javascript", value: 'JSON.parse(output).status === "ok"' },
      ],
      metadata: { tags: ["support"] },
    });
    expect(exportCase(c, "openai-evals")).toEqual({
      input: [{ role: "user", content: 'Refund A-1\n\nInput: {"orderId":"A-1"}' }],
      ideal: '{"decision":"refund"}',
    });
    expect(exportCase(c, "inspect")).toMatchObject({ id: "refund-1", target: '{"decision":"refund"}' });
  });
});

describe("junit", () => {
  it("writes a failure per failing case, with its checks and regressions, escaped", () => {
    const failing = caseReport({ id: "a<b", suite: "s" }, [
      {
        goalId: "g",
        status: "failed",
        checks: [{ check: "outcome", score: 0, pass: false, reason: 'status failed, expected "ok"' }],
        score: 0,
        pass: false,
        metrics: { tokens: 1, costUsd: 0, steps: 1, wallMs: 1500 },
        trajectories: {},
        outputDigests: { goal: "x" },
      },
    ]);
    const report: EvalReport = {
      v: 1,
      startedAt: "",
      finishedAt: "",
      suites: [],
      cases: [failing],
      summary: summarize([failing], 1),
    };
    const xml = junitOf(report, compareToBaseline(report, baselineOf(report)));
    expect(xml).toContain('<testsuite name="s" tests="1" failures="1">');
    expect(xml).toContain('<testcase classname="s" name="a&lt;b" time="1.500">');
    expect(xml).toContain('<failure message="outcome: status failed, expected &quot;ok&quot;">');
  });
});

describe("human scores", () => {
  it("appends scores and reads them back by goal", () => {
    const dir = mkdtempSync(join(tmpdir(), "sy-scores-"));
    try {
      const file = join(dir, "nested", "scores.jsonl");
      appendHumanScore(file, { goalId: "g-1", score: 0.8, label: "helpful", by: "ana", at: "2026-01-01T00:00:00Z" });
      appendHumanScore(file, { goalId: "g-2", score: 0, by: "ana", at: "2026-01-01T00:00:00Z" });
      expect(readHumanScores(file, "g-1")).toEqual([
        { goalId: "g-1", score: 0.8, label: "helpful", by: "ana", at: "2026-01-01T00:00:00Z" },
      ]);
      expect(readHumanScores(file)).toHaveLength(2);
      expect(() =>
        appendHumanScore(file, { goalId: "g-3", score: 2, by: "ana", at: "2026-01-01T00:00:00Z" }),
      ).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
