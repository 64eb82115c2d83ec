// The terminal report: one row per case, then the totals, the security triplet and the baseline's verdict.
import type { BaselineComparison } from "./baseline.ts";
import { CHECK_KINDS } from "./check-result.ts";
import type { EvalReport } from "./eval-report.ts";

const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
const mark = (c: { score: number; pass: boolean } | undefined) =>
  c === undefined ? "·" : `${c.pass ? "✓" : "✗"} ${c.score.toFixed(2)}`;

/** Renders the report (and the baseline comparison, when there is one) as text. */
export function renderReport(report: EvalReport, comparison?: BaselineComparison): string {
  const rows = report.cases.map((c) => [
    c.pass ? "PASS" : "FAIL",
    `${c.suite}/${c.id}`,
    c.status,
    ...CHECK_KINDS.map((k) => mark(c.checks[k])),
    String(c.metrics.tokens),
    c.metrics.costUsd.toFixed(4),
    `${c.metrics.wallMs}`,
  ]);
  const header = ["", "case", "status", ...CHECK_KINDS, "tokens", "usd", "ms"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (r: string[]) =>
    r
      .map((cell, i) => pad(cell, widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  const out = [line(header), ...rows.map(line)];
  const failing = report.cases.filter((c) => !c.pass);
  if (failing.length > 0) {
    out.push("", "failures:");
    for (const c of failing) {
      if (c.error !== undefined) out.push(`  ${c.id}: ${c.error}`);
      for (const [kind, r] of Object.entries(c.checks)) if (!r.pass) out.push(`  ${c.id} · ${kind}: ${r.reason}`);
    }
  }
  const s = report.summary;
  out.push(
    "",
    `${s.passed}/${s.cases} cases passed` +
      (s.repeat > 1 ? ` · pass^${s.repeat} ${pct(s.passHatK)} · pass@${s.repeat} ${pct(s.passAtK)}` : "") +
      ` · mean score ${s.meanScore.toFixed(2)} · ${s.tokens} tokens · ${s.costUsd.toFixed(4)} USD`,
  );
  if (s.security !== undefined) {
    const t = s.security;
    out.push(
      `security: benign utility ${pct(t.benignUtility)} (${t.benignCases}) · utility under attack ` +
        `${pct(t.utilityUnderAttack)} · attack success rate ${pct(t.attackSuccessRate)} (${t.attackCases})`,
    );
  }
  if (comparison !== undefined) {
    if (comparison.regressions.length === 0) out.push("baseline: no regression");
    else {
      out.push(`baseline: ${comparison.regressions.length} regression(s):`);
      for (const r of comparison.regressions) out.push(`  REGRESSION ${r.caseId} · ${r.check}: ${r.reason}`);
    }
    if (comparison.added.length > 0) out.push(`  not in the baseline: ${comparison.added.join(", ")}`);
    if (comparison.missing.length > 0) out.push(`  in the baseline but not run: ${comparison.missing.join(", ")}`);
    if (comparison.improvements.length > 0) out.push(`  improved: ${comparison.improvements.join(", ")}`);
  }
  return out.join("\n");
}
