// Baselines: a stored run (per case: checks, status, output digest, trajectories, cost) that a new run is compared
// with. A case regresses when a check that passed fails, a score drops beyond the tolerance, the answer or the path
// changes, or the cost grows beyond the tolerance. Wall time is not compared: it depends on the machine.
import { readFileSync, writeFileSync } from "node:fs";
import { describeIssues, toValidationIssues } from "@switchyard/infra";
import { z } from "zod";
import { CHECK_KINDS, type CheckKind } from "./check-result.ts";
import { EvalError } from "./errors.ts";
import type { EvalReport } from "./eval-report.ts";

const BaselineCheck = z.object({ score: z.number(), pass: z.boolean() });

/** One case as the baseline remembers it. */
export const BaselineCase = z.object({
  suite: z.string(),
  pass: z.boolean(),
  status: z.string(),
  outputDigests: z.record(z.string(), z.string()).describe("`goal` and each subtask id → digest of its output."),
  checks: z.partialRecord(z.enum(CHECK_KINDS), BaselineCheck),
  trajectories: z.record(z.string(), z.array(z.string())),
  metrics: z.object({ tokens: z.number(), costUsd: z.number(), steps: z.number() }),
});
export type BaselineCase = z.infer<typeof BaselineCase>;

/** A baseline file. */
export const Baseline = z.object({ v: z.literal(1), cases: z.record(z.string(), BaselineCase) });
export type Baseline = z.infer<typeof Baseline>;

/** How much worse a case may get before it counts as a regression. */
export type Tolerance = {
  /** A check's score may drop by this much (default 0). */
  score: number;
  /** Tokens, USD and steps may grow by this share (default 0.1 = 10 %). */
  cost: number;
};
export const DEFAULT_TOLERANCE: Tolerance = { score: 0, cost: 0.1 };

/** A case that got worse, naming the check. */
export type Regression = { caseId: string; check: CheckKind; reason: string };

/** What a comparison found. */
export type BaselineComparison = {
  regressions: Regression[];
  /** Cases that now pass and did not, or got cheaper beyond the tolerance. */
  improvements: string[];
  /** Cases the baseline does not know (not regressions: `--update-baseline` adds them). */
  added: string[];
  /** Baseline cases this run did not run. */
  missing: string[];
};

/** The baseline of a report: the stable parts of each case (no goal ids, no times). */
export function baselineOf(report: EvalReport): Baseline {
  const cases: Baseline["cases"] = {};
  for (const c of report.cases) {
    const checks: BaselineCase["checks"] = {};
    for (const [kind, r] of Object.entries(c.checks)) checks[kind as CheckKind] = { score: r.score, pass: r.pass };
    cases[c.id] = {
      suite: c.suite,
      pass: c.pass,
      status: c.status,
      outputDigests: c.outputDigests,
      checks,
      trajectories: c.trajectories,
      metrics: { tokens: c.metrics.tokens, costUsd: Number(c.metrics.costUsd.toFixed(6)), steps: c.metrics.steps },
    };
  }
  return { v: 1, cases: Object.fromEntries(Object.entries(cases).sort(([a], [b]) => a.localeCompare(b))) };
}

/** Reads a baseline file. */
export function loadBaseline(file: string): Baseline {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new EvalError("SY_ERR_EVAL_BASELINE_INVALID", "caller", `baseline ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const parsed = Baseline.safeParse(raw);
  if (!parsed.success) {
    throw new EvalError(
      "SY_ERR_EVAL_BASELINE_INVALID",
      "caller",
      `baseline ${file}: ${describeIssues(toValidationIssues(parsed.error))}`,
    );
  }
  return parsed.data;
}

/**
 * Writes the baseline of `report` to `file`. With `merge`, cases of the existing baseline that this run did not
 * run are kept (updating the baseline from one suite leaves the others' entries alone).
 */
export function writeBaseline(file: string, report: EvalReport, merge?: Baseline): void {
  const fresh = baselineOf(report);
  const cases = Object.fromEntries(
    Object.entries({ ...merge?.cases, ...fresh.cases }).sort(([a], [b]) => a.localeCompare(b)),
  );
  writeFileSync(file, `${JSON.stringify({ v: 1, cases }, null, 2)}\n`);
}

const grew = (now: number, before: number, share: number) => now > before * (1 + share) + 1e-9;

/** Compares a run with a baseline. */
export function compareToBaseline(
  report: EvalReport,
  baseline: Baseline,
  tolerance: Tolerance = DEFAULT_TOLERANCE,
): BaselineComparison {
  const out: BaselineComparison = { regressions: [], improvements: [], added: [], missing: [] };
  const ran = new Set(report.cases.map((c) => c.id));
  out.missing = Object.keys(baseline.cases).filter((id) => !ran.has(id));
  for (const c of report.cases) {
    const before = baseline.cases[c.id];
    if (before === undefined) {
      out.added.push(c.id);
      continue;
    }
    const regress = (check: CheckKind, reason: string) => out.regressions.push({ caseId: c.id, check, reason });
    if (c.error !== undefined) regress("outcome", `the case did not complete: ${c.error}`);
    for (const kind of CHECK_KINDS) {
      const was = before.checks[kind];
      const now = c.checks[kind];
      if (was === undefined || now === undefined) continue;
      if (was.pass && !now.pass) regress(kind, `failed (passed in the baseline): ${now.reason}`);
      else if (now.score < was.score - tolerance.score) {
        regress(kind, `score ${now.score.toFixed(2)} < baseline ${was.score.toFixed(2)}: ${now.reason}`);
      }
    }
    if (c.error === undefined && c.status !== before.status) {
      regress("outcome", `status ${c.status}, baseline ${before.status}`);
    }
    for (const key of new Set([...Object.keys(before.outputDigests), ...Object.keys(c.outputDigests)])) {
      if (c.error !== undefined) break;
      const was = before.outputDigests[key];
      const now = c.outputDigests[key];
      if (was !== now) {
        const of = key === "goal" ? "the goal's output" : `the output of subtask ${key}`;
        regress("outcome", `${of} changed (digest ${now ?? "none"}, baseline ${was ?? "none"})`);
      }
    }
    for (const id of new Set([...Object.keys(before.trajectories), ...Object.keys(c.trajectories)])) {
      if (c.error !== undefined) break;
      const was = before.trajectories[id] ?? [];
      const now = c.trajectories[id] ?? [];
      if (was.join(",") !== now.join(",")) {
        regress(
          "trajectory",
          `${id} called ${now.join(" → ") || "(nothing)"}, baseline ${was.join(" → ") || "(nothing)"}`,
        );
      }
    }
    const m = c.metrics;
    const b = before.metrics;
    if (c.error === undefined) {
      if (grew(m.tokens, b.tokens, tolerance.cost)) regress("cost", `tokens ${m.tokens}, baseline ${b.tokens}`);
      if (grew(m.costUsd, b.costUsd, tolerance.cost)) {
        regress("cost", `cost ${m.costUsd.toFixed(6)} USD, baseline ${b.costUsd.toFixed(6)} USD`);
      }
      if (grew(m.steps, b.steps, tolerance.cost)) regress("cost", `steps ${m.steps}, baseline ${b.steps}`);
    }
    const cheaper = m.tokens < b.tokens * (1 - tolerance.cost);
    if ((c.pass && !before.pass) || cheaper) out.improvements.push(c.id);
  }
  return out;
}
