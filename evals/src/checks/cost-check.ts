// Cost and latency: ceilings on the goal's tokens, USD, steps and wall time.
import { combine, type CheckResult } from "../check-result.ts";
import type { CostCheck } from "../eval-case.ts";

/** What a run cost: what baselines compare. */
export type CostMetrics = { tokens: number; costUsd: number; steps: number; wallMs: number };

/** Scores the metrics against the ceilings the case sets (unset = unchecked). */
export function checkCost(spec: CostCheck, m: CostMetrics): CheckResult {
  const parts: Array<{ pass: boolean; reason: string }> = [];
  const ceiling = (name: string, value: number, max: number | undefined, unit = "") => {
    if (max === undefined) return;
    const pass = value <= max;
    parts.push({ pass, reason: `${name} ${value}${unit} ${pass ? "≤" : ">"} ${max}${unit}` });
  };
  ceiling("tokens", m.tokens, spec.maxTokens);
  ceiling("cost", Number(m.costUsd.toFixed(6)), spec.maxCostUsd, " USD");
  ceiling("steps", m.steps, spec.maxSteps);
  ceiling("wall", m.wallMs, spec.maxWallMs, " ms");
  return combine("cost", parts);
}
