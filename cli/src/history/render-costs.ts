// A cost report as a table for a terminal.
import type { CostGrouping, CostReport, CostRow } from "./cost-report.ts";
import { formatUsd } from "./render-trace.ts";

const NUMERIC = ["GOALS", "SUBTASKS", "INPUT TOKENS", "OUTPUT TOKENS", "COST USD"];

function cells(r: CostRow): string[] {
  return [
    r.key,
    String(r.goals),
    String(r.subtasks),
    String(r.inputTokens),
    String(r.outputTokens),
    formatUsd(r.costUsd),
  ];
}

/** One row per key, numbers right-aligned, then a total line; `window` says what was summed (e.g. `last 24h`). */
export function renderCostTable(report: CostReport, by: CostGrouping, window: string): string {
  if (report.rows.length === 0) return `no goals or subtasks in the ${window}`;
  const header = [by.toUpperCase(), ...NUMERIC];
  const body = [...report.rows.map(cells), cells({ ...report.total, key: "TOTAL" })];
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? "").length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[0] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  const rows = body.map(fmt);
  return [`costs by ${by}, ${window}:`, fmt(header), ...rows.slice(0, -1), rule, ...rows.slice(-1)].join("\n");
}
