// Outcome: the goal's status, assertions at JSON paths of its result, the output as a whole, a custom scorer.
import type { OutcomeCheck, PathAssertion } from "../eval-case.ts";
import { combine, type CheckResult } from "../check-result.ts";
import { asText, jsonEquals, valueAt } from "../json-path.ts";
import type { Observation } from "../observation.ts";
import type { JudgeVerdict } from "./llm-judge.ts";
import { schemaProblems } from "./output-schema.ts";

/** A custom scorer's verdict (the default export of a scorer module returns it). */
export type ScorerVerdict = { score: number; reason: string; pass?: boolean };
/** A custom scorer: the default export of the module a case's `outcome.scorer` names. */
export type Scorer = (obs: Observation) => ScorerVerdict | Promise<ScorerVerdict>;

const short = (v: unknown) => {
  const t = asText(v);
  return t.length > 80 ? `${t.slice(0, 77)}...` : t;
};

/** Checks one assertion against the result. */
export function checkAssertion(result: unknown, a: PathAssertion): { pass: boolean; reason: string } {
  const value = valueAt(result, a.path);
  if (a.exists !== undefined) {
    const pass = (value !== undefined) === a.exists;
    return { pass, reason: `${a.path} ${a.exists ? "exists" : "is absent"}${pass ? "" : `: got ${short(value)}`}` };
  }
  if (a.contains !== undefined) {
    const pass = value !== undefined && asText(value).includes(a.contains);
    return { pass, reason: `${a.path} contains ${JSON.stringify(a.contains)}${pass ? "" : `: got ${short(value)}`}` };
  }
  if (a.matches !== undefined) {
    const pass = value !== undefined && new RegExp(a.matches).test(asText(value));
    return { pass, reason: `${a.path} matches /${a.matches}/${pass ? "" : `: got ${short(value)}`}` };
  }
  const pass = jsonEquals(value, a.equals);
  return { pass, reason: `${a.path} = ${short(a.equals)}${pass ? "" : `: got ${short(value)}`}` };
}

/**
 * Scores the outcome part of a case; `scorer` is the loaded custom scorer, when the case names one, and `judged`
 * what the case's LLM judge said, when it has one.
 */
export async function checkOutcome(
  spec: OutcomeCheck,
  obs: Observation,
  scorer?: Scorer,
  judged?: JudgeVerdict,
): Promise<CheckResult> {
  const parts: Array<{ pass: boolean; reason: string }> = [];
  const { result } = obs;
  if (spec.status !== undefined) {
    const allowed = Array.isArray(spec.status) ? spec.status : [spec.status];
    const pass = allowed.includes(result.status);
    parts.push({
      pass,
      reason: pass
        ? `status ${result.status}`
        : `status ${result.status}, expected ${allowed.join(" or ")}` +
          (result.failure ? ` (${result.failure.kind}: ${result.failure.message})` : ""),
    });
  }
  for (const a of spec.assertions) parts.push(checkAssertion(result, a));
  if (spec.output !== undefined) {
    const pass = jsonEquals(result.output, spec.output);
    parts.push({
      pass,
      reason: pass ? "output equals the reference" : `output differs from the reference: got ${short(result.output)}`,
    });
  }
  if (spec.outputSchema !== undefined) {
    const problems = schemaProblems(spec.outputSchema, result.output);
    parts.push({
      pass: problems.length === 0,
      reason: problems.length === 0 ? "output matches its schema" : `output breaks its schema: ${problems.join("; ")}`,
    });
  }
  if (judged !== undefined) {
    const passAt = spec.judge?.passAt ?? 1;
    parts.push({
      pass: judged.score >= passAt,
      reason: `judge: ${judged.reason} (${judged.score.toFixed(2)}${judged.score >= passAt ? "" : `, needs ${passAt}`})`,
    });
  }
  const combined = combine("outcome", parts);
  if (scorer === undefined) return combined;
  const verdict = await scorer(obs);
  const custom = Math.min(1, Math.max(0, verdict.score));
  const customPass = verdict.pass ?? custom >= 1;
  // The custom score weighs as much as all built-in assertions together.
  const score = parts.length === 0 ? custom : (combined.score + custom) / 2;
  const pass = combined.pass && customPass;
  const reason = [
    ...(parts.length > 0 && (!combined.pass || pass) ? [combined.reason] : []),
    `scorer: ${verdict.reason} (${custom.toFixed(2)})`,
  ].join("; ");
  return { check: "outcome", score, pass, reason };
}
