// Scores one run of a case: every check the case carries, plus what a baseline needs to see a change.
import { canonicalJson, sha256Hex } from "@switchyard/infra";
import type { CheckResult } from "./check-result.ts";
import { checkCost, type CostMetrics } from "./checks/cost-check.ts";
import type { Judge } from "./checks/llm-judge.ts";
import { checkOutcome, type Scorer } from "./checks/outcome-check.ts";
import { checkSafety } from "./checks/safety-check.ts";
import { checkTrajectory } from "./checks/trajectory-check.ts";
import type { EvalCase } from "./eval-case.ts";
import type { Observation } from "./observation.ts";
import { trajectoriesOf, type Trajectories } from "./trajectory.ts";

/** One scored run of a case. */
export type RunScore = {
  goalId: string;
  status: string;
  checks: CheckResult[];
  /** Mean of the checks' scores (1 for a case with no checks). */
  score: number;
  pass: boolean;
  metrics: CostMetrics;
  trajectories: Trajectories;
  /** Short hashes of the goal's output (key `goal`) and of each subtask's output: a baseline sees any change. */
  outputDigests: Record<string, string>;
};

/** The digests of a result's outputs: the goal's, and each subtask's (its partial output when it has no output). */
export function outputDigestsOf(result: Observation["result"]): Record<string, string> {
  const out: Record<string, string> = { goal: digestOf(result.output) };
  for (const s of [...result.subtasks].sort((a, b) => a.subtaskId.localeCompare(b.subtaskId))) {
    out[s.subtaskId] = digestOf(s.output ?? s.partialOutput);
  }
  return out;
}

/** The first 12 hex digits of the SHA-256 of the value's canonical JSON. */
export function digestOf(value: unknown): string {
  // JSON has no undefined: an absent output hashes as the word.
  return sha256Hex(value === undefined ? "undefined" : canonicalJson(value)).slice(0, 12);
}

/** The metrics of a run: the goal's usage (planner included) and the wall time the runner measured. */
export function metricsOf(obs: Observation): CostMetrics {
  const u = obs.result.usage;
  return { tokens: u.inputTokens + u.outputTokens, costUsd: u.costUsd, steps: u.steps, wallMs: obs.wallMs };
}

/** Runs every check of `c` on `obs`; `judge` grades it when the case has an LLM judge. */
export async function scoreRun(c: EvalCase, obs: Observation, scorer?: Scorer, judge?: Judge): Promise<RunScore> {
  const { outcome, trajectory, cost, safety } = c.checks;
  const trajectories = trajectoriesOf(obs.events);
  const metrics = metricsOf(obs);
  const checks: CheckResult[] = [];
  const judged = judge === undefined ? undefined : await judge(obs, c.goal.text);
  if (outcome !== undefined || scorer !== undefined)
    checks.push(await checkOutcome(outcome ?? { assertions: [] }, obs, scorer, judged));
  if (trajectory !== undefined) checks.push(checkTrajectory(trajectory, trajectories));
  if (cost !== undefined) checks.push(checkCost(cost, metrics));
  if (safety !== undefined) checks.push(checkSafety(safety, obs.events));
  const score = checks.length === 0 ? 1 : checks.reduce((s, r) => s + r.score, 0) / checks.length;
  return {
    goalId: obs.goalId,
    status: obs.result.status,
    checks,
    score,
    pass: checks.every((r) => r.pass),
    metrics,
    trajectories,
    outputDigests: outputDigestsOf(obs.result),
  };
}
