// The report of an eval run: per case (aggregated over its repeats) and per suite, and the figures CI reads.
import type { CheckKind, CheckResult } from "./check-result.ts";
import type { CostMetrics } from "./checks/cost-check.ts";
import type { HumanScore } from "./eval-case.ts";
import type { RunScore } from "./score-run.ts";
import type { Trajectories } from "./trajectory.ts";

/** One case over its k runs. */
export type CaseReport = {
  id: string;
  suite: string;
  role?: "benign" | "attack";
  /** Every run passed: the case's contribution to pass^k. */
  pass: boolean;
  /** Runs that passed / runs. */
  passRate: number;
  /** Mean score over the runs. */
  score: number;
  /** Per check: mean score, pass only if every run passed, the reason of the first failing run (else the first). */
  checks: Partial<Record<CheckKind, Omit<CheckResult, "check">>>;
  /** The first run's status, output digest and trajectories; the median run's metrics. */
  status: string;
  outputDigests: Record<string, string>;
  /** False when the repeats gave different outputs (a flaky answer). */
  stableOutput: boolean;
  trajectories: Trajectories;
  metrics: CostMetrics;
  goalIds: string[];
  /** Set when a run could not be completed (no result in time, a stack error): the case fails. */
  error?: string;
  humanScores?: HumanScore[];
};

/** The security triplet of the cases with a role (AgentDojo style). */
export type SecurityTriplet = {
  /** Share of benign cases whose outcome check passed. */
  benignUtility: number;
  /** Share of attack cases whose outcome check passed (the task still done under attack). */
  utilityUnderAttack: number;
  /** Share of attack cases whose safety check failed (the attacker got an effect). */
  attackSuccessRate: number;
  benignCases: number;
  attackCases: number;
};

/** Totals of a run. */
export type EvalSummary = {
  cases: number;
  passed: number;
  /** Share of cases that passed every one of their k runs. */
  passHatK: number;
  /** Share of cases that passed at least one of their k runs. */
  passAtK: number;
  meanScore: number;
  repeat: number;
  tokens: number;
  costUsd: number;
  security?: SecurityTriplet;
};

/** What `switchyard eval run --json` prints. */
export type EvalReport = {
  v: 1;
  startedAt: string;
  finishedAt: string;
  suites: Array<{ name: string; file: string }>;
  cases: CaseReport[];
  summary: EvalSummary;
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] ?? 0;
};

/** Aggregates the runs of one case; `error` when some run did not complete. */
export function caseReport(
  c: { id: string; suite: string; role?: "benign" | "attack"; humanScores?: HumanScore[] },
  runs: readonly RunScore[],
  error?: string,
): CaseReport {
  const first = runs[0];
  const checks: CaseReport["checks"] = {};
  for (const kind of new Set(runs.flatMap((r) => r.checks.map((k) => k.check)))) {
    const of = runs.flatMap((r) => r.checks.filter((k) => k.check === kind));
    const failing = of.find((k) => !k.pass);
    checks[kind] = {
      score: of.reduce((s, k) => s + k.score, 0) / of.length,
      pass: failing === undefined,
      reason: (failing ?? of[0])?.reason ?? "",
    };
  }
  const passed = runs.filter((r) => r.pass).length;
  return {
    id: c.id,
    suite: c.suite,
    ...(c.role === undefined ? {} : { role: c.role }),
    pass: error === undefined && runs.length > 0 && passed === runs.length,
    passRate: runs.length === 0 ? 0 : passed / runs.length,
    score: runs.length === 0 ? 0 : runs.reduce((s, r) => s + r.score, 0) / runs.length,
    checks,
    status: first?.status ?? "error",
    outputDigests: first?.outputDigests ?? {},
    stableOutput: runs.every((r) => JSON.stringify(r.outputDigests) === JSON.stringify(first?.outputDigests)),
    trajectories: first?.trajectories ?? {},
    metrics: {
      tokens: median(runs.map((r) => r.metrics.tokens)),
      costUsd: median(runs.map((r) => r.metrics.costUsd)),
      steps: median(runs.map((r) => r.metrics.steps)),
      wallMs: median(runs.map((r) => r.metrics.wallMs)),
    },
    goalIds: runs.map((r) => r.goalId),
    ...(error === undefined ? {} : { error }),
    ...(c.humanScores === undefined ? {} : { humanScores: c.humanScores }),
  };
}

/** The security triplet, when some case has a role. */
export function securityTriplet(cases: readonly CaseReport[]): SecurityTriplet | undefined {
  const benign = cases.filter((c) => c.role === "benign");
  const attack = cases.filter((c) => c.role === "attack");
  if (benign.length === 0 && attack.length === 0) return undefined;
  const share = (xs: readonly CaseReport[], f: (c: CaseReport) => boolean) =>
    xs.length === 0 ? 0 : xs.filter(f).length / xs.length;
  return {
    benignUtility: share(benign, (c) => c.checks.outcome?.pass ?? c.pass),
    utilityUnderAttack: share(attack, (c) => c.checks.outcome?.pass ?? false),
    attackSuccessRate: share(attack, (c) => c.checks.safety?.pass === false),
    benignCases: benign.length,
    attackCases: attack.length,
  };
}

/** The totals of a run. */
export function summarize(cases: readonly CaseReport[], repeat: number): EvalSummary {
  const n = cases.length;
  const security = securityTriplet(cases);
  return {
    cases: n,
    passed: cases.filter((c) => c.pass).length,
    passHatK: n === 0 ? 0 : cases.filter((c) => c.pass).length / n,
    passAtK: n === 0 ? 0 : cases.filter((c) => c.passRate > 0).length / n,
    meanScore: n === 0 ? 0 : cases.reduce((s, c) => s + c.score, 0) / n,
    repeat,
    tokens: cases.reduce((s, c) => s + c.metrics.tokens, 0),
    costUsd: cases.reduce((s, c) => s + c.metrics.costUsd, 0),
    ...(security === undefined ? {} : { security }),
  };
}
