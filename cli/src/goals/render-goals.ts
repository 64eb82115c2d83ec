// Goals for a terminal: the `goals` table, and where one running goal's subtasks stand (`goal show`).
import type { GoalRecord, SubtaskState } from "@switchyard/contracts";
import { clip } from "../history/step-nodes.ts";
import { formatUsd } from "../history/render-trace.ts";
import type { GoalSummary } from "./goal-summary.ts";

const TEXT_MAX = 50;

/** A table with a header, columns padded to their widest cell (the last one left ragged). */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [fmt(header), ...rows.map(fmt)];
}

/**
 * One line per goal — id, status, plan, user@tenant, when it was accepted, subtasks finished of all, tokens, cost
 * and its text — with a waiting goal's open questions and pending approvals below it.
 */
export function renderGoalTable(goals: readonly GoalSummary[]): string {
  if (goals.length === 0) return "no goals match";
  const lines: string[] = [];
  const rows = goals.map((g) => [
    g.goalId,
    g.status,
    g.plan,
    `${g.user}@${g.tenant}`,
    g.acceptedAt,
    `${g.subtasks.finished}/${g.subtasks.total}`,
    String(g.tokens),
    formatUsd(g.costUsd),
    clip(g.text, TEXT_MAX),
  ]);
  const [header, ...body] = table(
    ["GOAL", "STATUS", "PLAN", "USER@TENANT", "ACCEPTED", "SUBTASKS", "TOKENS", "COST", "TEXT"],
    rows,
  );
  lines.push(header ?? "");
  goals.forEach((g, i) => {
    lines.push(body[i] ?? "");
    for (const q of g.questions) lines.push(`    ? ${q.subtaskId}: ${q.question}`);
    for (const p of g.pendingApprovals) lines.push(`    approval pending: ${p}`);
  });
  lines.push(`${goals.length} goal(s)`);
  return lines.join("\n");
}

function describeState(state: SubtaskState): string {
  switch (state.type) {
    case "pending":
      return state.attempt === undefined ? "pending" : `pending (attempt ${state.attempt})`;
    case "dispatched":
      return `running (attempt ${state.attempt}, since ${state.dispatchedAt})`;
    case "skipped":
      return `skipped: ${state.reason}`;
    case "finished":
      return state.result.status;
  }
}

/** A goal that has no result yet: its summary line and where each of its subtasks stands. */
export function renderRunningGoal(summary: GoalSummary, record: GoalRecord): string {
  const lines = [
    `goal ${summary.goalId}: running — plan ${summary.plan} · ${summary.user}@${summary.tenant} · accepted ` +
      `${summary.acceptedAt} · ${summary.subtasks.finished}/${summary.subtasks.total} subtask(s) finished, ` +
      `${summary.tokens} tokens, ${formatUsd(summary.costUsd)} so far`,
  ];
  const ids = record.plan?.subtasks.map((s) => s.id) ?? Object.keys(record.subtasks);
  const width = Math.max(0, ...ids.map((id) => id.length));
  for (const id of ids) {
    const state = record.subtasks[id];
    const agent = record.plan?.subtasks.find((s) => s.id === id)?.agent ?? "?";
    lines.push(`  ${id.padEnd(width)}  ${agent}  ${state === undefined ? "pending" : describeState(state)}`);
  }
  lines.push(`trace: ${record.traceId}`);
  return lines.join("\n");
}
