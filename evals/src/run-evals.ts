// The runner: every case of every suite, k times, a bounded number at once, each run scored as it finishes.
import { randomUUID } from "node:crypto";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Goal, WIRE_VERSION } from "@switchyard/contracts";
import { errorMessage } from "@switchyard/infra";
import type { Scorer } from "./checks/outcome-check.ts";
import type { EvalCase, Suite } from "./eval-case.ts";
import { EvalError } from "./errors.ts";
import { caseReport, summarize, type CaseReport, type EvalReport } from "./eval-report.ts";
import type { GoalDriver } from "./goal-driver.ts";
import { createLlmJudge, type Judge } from "./checks/llm-judge.ts";
import { scoreRun, type RunScore } from "./score-run.ts";

/** Defaults of {@link runEvals}. */
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_CASE_TIMEOUT_MS = 120_000;

/** Options of {@link runEvals}. */
export type RunEvalsOptions = {
  suites: readonly Suite[];
  driver: GoalDriver;
  /** Runs in flight at once (default {@link DEFAULT_CONCURRENCY}). */
  concurrency?: number;
  /** Runs per case (default 1); a case passes only if all k pass (pass^k). */
  repeat?: number;
  /** Per run (default {@link DEFAULT_CASE_TIMEOUT_MS}). */
  caseTimeoutMs?: number;
  /** Only cases whose id contains this (or matches a tag). */
  filter?: string;
  signal?: AbortSignal;
  /** Told after every run. */
  onProgress?: (p: { done: number; total: number; caseId: string; pass: boolean }) => void;
};

/** The goal a case submits: a fresh id per run, so runs never collide with earlier ones. */
export function goalOfCase(c: EvalCase): Goal {
  return Goal.parse({
    v: WIRE_VERSION,
    id: randomUUID(),
    tenant: c.goal.tenant,
    user: c.goal.user,
    text: c.goal.text,
    input: c.goal.input,
    plan: c.goal.plan,
    budget: c.goal.budget ?? {},
    metadata: { "sy-eval-case": c.id },
  });
}

/** Loads a case's custom scorer module (relative to its suite file). */
async function loadScorer(suite: Suite, path: string): Promise<Scorer> {
  const file = resolve(dirname(suite.file), path);
  try {
    const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    if (typeof mod.default !== "function") throw new Error("its default export is not a function");
    return mod.default as Scorer;
  } catch (err) {
    throw new EvalError("SY_ERR_EVAL_SCORER", "caller", `scorer ${file}: ${errorMessage(err)}`, { cause: err });
  }
}

/** Runs `items` through `work`, at most `limit` at once. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

/** Runs the suites and returns the report (it never throws for a failing case: that is in the report). */
export async function runEvals(opts: RunEvalsOptions): Promise<EvalReport> {
  const startedAt = new Date().toISOString();
  const repeat = opts.repeat ?? 1;
  const timeoutMs = opts.caseTimeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
  const signal = opts.signal ?? new AbortController().signal;
  const selected = opts.suites.flatMap((suite) =>
    suite.cases
      .filter((c) => opts.filter === undefined || c.id.includes(opts.filter) || c.tags.includes(opts.filter))
      .map((c) => ({ suite, c })),
  );
  // Scorers load before anything runs: a broken scorer is a usage error, not a failing case.
  const scorers = new Map<string, Scorer>();
  for (const { suite, c } of selected) {
    const path = c.checks.outcome?.scorer;
    if (path !== undefined) scorers.set(`${suite.file}#${c.id}`, await loadScorer(suite, path));
  }
  // So do judges: a model that cannot be resolved (no key) is a usage error too.
  const judges = new Map<string, Judge>();
  for (const { suite, c } of selected) {
    const spec = c.checks.outcome?.judge;
    if (spec === undefined) continue;
    try {
      judges.set(`${suite.file}#${c.id}`, createLlmJudge(spec));
    } catch (err) {
      throw new EvalError("SY_ERR_EVAL_SCORER", "caller", `case ${c.id}: judge: ${errorMessage(err)}`, { cause: err });
    }
  }
  const runs = new Map<string, { scores: RunScore[]; errors: string[] }>();
  const jobs = selected.flatMap((s) => Array.from({ length: repeat }, () => s));
  let done = 0;
  await pool(jobs, opts.concurrency ?? DEFAULT_CONCURRENCY, async ({ suite, c }) => {
    const key = `${suite.file}#${c.id}`;
    const slot = runs.get(key) ?? { scores: [], errors: [] };
    runs.set(key, slot);
    let pass = false;
    if (signal.aborted) {
      slot.errors.push("aborted");
    } else {
      try {
        const obs = await opts.driver.run(goalOfCase(c), { signal, timeoutMs });
        const score = await scoreRun(c, obs, scorers.get(key), judges.get(key));
        slot.scores.push(score);
        pass = score.pass;
      } catch (err) {
        slot.errors.push(errorMessage(err));
      }
    }
    opts.onProgress?.({ done: ++done, total: jobs.length, caseId: c.id, pass });
  });
  const cases: CaseReport[] = selected.map(({ suite, c }) => {
    const slot = runs.get(`${suite.file}#${c.id}`) ?? { scores: [], errors: [] };
    return caseReport(
      { id: c.id, suite: suite.name, role: c.role, humanScores: c.humanScores },
      slot.scores,
      slot.errors[0],
    );
  });
  return {
    v: 1,
    startedAt,
    finishedAt: new Date().toISOString(),
    suites: opts.suites.map((s) => ({ name: s.name, file: s.file })),
    cases,
    summary: summarize(cases, repeat),
  };
}
