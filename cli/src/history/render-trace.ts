// Draws an execution tree for a terminal: one line per node, time since the goal started on the left.
import type { TraceNode } from "./trace-node.ts";

/** Dollars with four decimals; smaller non-zero amounts keep two significant digits so they do not read as 0. */
export function formatUsd(n: number): string {
  return n > 0 && n < 0.0001 ? `$${n.toPrecision(2)}` : `$${n.toFixed(4)}`;
}

/** `340 ms` below a second, `12.3 s` above. */
export function formatMs(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${(ms / 1_000).toFixed(1)} s`;
}

/** A node on one line: its label, `[status · tokens · cost · time · failure kind]` and its detail. */
export function describeNode(node: TraceNode): string {
  const metrics = [
    node.status,
    node.tokens === undefined ? undefined : `${node.tokens} tok`,
    node.costUsd === undefined ? undefined : formatUsd(node.costUsd),
    node.ms === undefined ? undefined : formatMs(node.ms),
    node.failureKind,
  ].filter((m): m is string => m !== undefined);
  const shown = metrics.length > 0 ? `  [${metrics.join(" · ")}]` : "";
  return `${node.label}${shown}${node.detail === undefined ? "" : `  — ${node.detail}`}`;
}

/** `+1.234s` after `start`, or blank when either time is missing or unreadable. */
function offset(at: string | undefined, start: number): string {
  const t = at === undefined ? NaN : Date.parse(at);
  return Number.isNaN(t) || Number.isNaN(start) ? "" : `+${((t - start) / 1_000).toFixed(3)}s`;
}

/**
 * The tree as text:
 * ```
 * +0.000s  goal g1  [ok · 0 tok · $0.0000 · 41 ms]  — plan demo · user alice · tenant default
 * +0.012s  ├─ keywords → keywords @ keywords-a1  [ok · 0 tok · $0.0000 · 2 ms]
 * +0.020s  └─ report → report @ report-b2  [ok · 0 tok · $0.0000 · 3 ms]  — after keywords
 * ```
 */
export function renderTrace(root: TraceNode): string {
  const start = root.at === undefined ? NaN : Date.parse(root.at);
  const rows: Array<{ time: string; text: string }> = [];
  const walk = (node: TraceNode, head: string, indent: string): void => {
    rows.push({ time: offset(node.at, start), text: `${head}${describeNode(node)}` });
    node.children.forEach((child, i) => {
      const last = i === node.children.length - 1;
      walk(child, `${indent}${last ? "└─ " : "├─ "}`, `${indent}${last ? "   " : "│  "}`);
    });
  };
  walk(root, "", "");
  const width = Math.max(0, ...rows.map((r) => r.time.length));
  return rows.map((r) => (width === 0 ? r.text : `${r.time.padStart(width)}  ${r.text}`)).join("\n");
}
