// The score of one check on one run: in [0, 1], with a reason a person can act on.

/** The kinds of check a case can carry. */
export const CHECK_KINDS = ["outcome", "trajectory", "cost", "safety"] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

/** One check's verdict. `pass` is what CI gates on; `score` gives partial credit for reports and baselines. */
export type CheckResult = { check: CheckKind; score: number; pass: boolean; reason: string };

/** Combines sub-results (each a pass and a reason) into one check result: the share that passed, failures named. */
export function combine(check: CheckKind, parts: ReadonlyArray<{ pass: boolean; reason: string }>): CheckResult {
  if (parts.length === 0) return { check, score: 1, pass: true, reason: "nothing to check" };
  const failed = parts.filter((p) => !p.pass);
  const score = (parts.length - failed.length) / parts.length;
  const reason = failed.length === 0 ? parts.map((p) => p.reason).join("; ") : failed.map((p) => p.reason).join("; ");
  return { check, score, pass: failed.length === 0, reason };
}
