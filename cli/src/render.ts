import type { AgentCard, GoalResult } from "@switchyard/contracts";

const MARK: Record<string, string> = { ok: "ok  ", failed: "FAIL", cancelled: "CANC" };

function usd(n: number): string {
  return `$${n.toFixed(4)}`;
}

/** A GoalResult for a person: status line, one line per subtask, then the output. */
export function renderGoalResult(result: GoalResult): string {
  const tokens = result.usage.inputTokens + result.usage.outputTokens;
  const lines = [
    `goal ${result.goalId}: ${result.status} in ${result.usage.ms} ms — ${result.subtasks.length} subtask(s), ${tokens} tokens, ${usd(result.usage.costUsd)}`,
  ];
  const width = Math.max(0, ...result.subtasks.map((s) => s.subtaskId.length));
  for (const s of result.subtasks) {
    const failure = s.failure === undefined ? "" : `  ${s.failure.kind}: ${s.failure.message}`;
    lines.push(
      `  [${MARK[s.status] ?? s.status}] ${s.subtaskId.padEnd(width)}  ${s.agent} (${s.instance})  ${s.usage.ms} ms${failure}`,
    );
  }
  if (result.failure !== undefined) {
    lines.push(
      `failure: ${result.failure.kind}${result.failure.subtaskId ? ` in ${result.failure.subtaskId}` : ""}: ${result.failure.message}`,
    );
  }
  for (const s of result.subtasks) {
    for (const p of s.proposals ?? []) {
      lines.push(
        `waiting for approval: ${p.id} — ${p.kind} ${p.tool} ${JSON.stringify(p.args)} (from ${s.subtaskId}: ${p.reason || "no reason given"})`,
      );
    }
    if (s.status === "needs_review") lines.push(`waiting for a review of ${s.subtaskId}'s output`);
    if (s.status === "needs_input" && s.assessment !== undefined) {
      lines.push(`waiting for input on ${s.subtaskId}: ${s.assessment.unknown.join("; ")}`);
    }
  }
  if (result.output !== undefined) lines.push("output:", JSON.stringify(result.output, null, 2));
  else if (result.status === "needs_approval" || result.status === "needs_input" || result.status === "needs_review") {
    const done = Object.fromEntries(
      result.subtasks.filter((s) => s.status === "ok").map((s) => [s.subtaskId, s.output]),
    );
    lines.push("results so far:", JSON.stringify(done, null, 2));
  }
  lines.push(`trace: ${result.traceId}`);
  return lines.join("\n");
}

/** Agent cards as a table: name, version, replicas, kind, description; or a sentence when there are none. */
export function renderAgents(agents: Array<{ card: AgentCard; instances: number }>, prefix: string): string {
  if (agents.length === 0) {
    return `no agents are running under prefix "${prefix}" (start them with \`pnpm switchyard up\`)`;
  }
  const rows = agents.map(({ card, instances }) => [
    card.name,
    card.version,
    String(instances),
    card.kind,
    card.description,
  ]);
  const header = ["NAME", "VERSION", "REPLICAS", "KIND", "DESCRIPTION"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join("  ");
  return [fmt(header), ...rows.map(fmt)].join("\n");
}
