// What a person runs next when a goal waits for them: the exact commands, with the bus to reach when it is not the
// one the commands find by themselves.
import type { GoalResult } from "@switchyard/contracts";
import { isWaiting } from "./waiting.ts";

/** How the commands are spelled in this workspace. */
const CLI = "pnpm switchyard";

/** ` --nats <url>` when the commands must be told the bus, else nothing. */
export function natsFlag(natsUrl: string | undefined): string {
  return natsUrl === undefined ? "" : ` --nats ${natsUrl}`;
}

/**
 * The commands that move a paused goal on — approve or reject each pending proposal, or answer its questions — and
 * the one that shows what happened so far; empty for a goal that does not wait for a person.
 */
export function nextSteps(result: GoalResult, natsUrl?: string): string[] {
  const nats = natsFlag(natsUrl);
  const lines: string[] = [];
  if (result.status === "needs_approval") {
    lines.push(`the goal waits for a decision on ${result.pendingApprovals.length} proposal(s); next, run one of:`);
    lines.push(`  ${CLI} approvals list${nats}`);
    for (const id of result.pendingApprovals) {
      lines.push(`  ${CLI} approvals approve ${id}${nats}`);
      lines.push(`  ${CLI} approvals reject ${id} --reason "…"${nats}`);
    }
  } else if (result.status === "needs_input") {
    const waiting = result.subtasks.filter((s) => s.status === "needs_input");
    lines.push(`the goal waits for an answer (${waiting.map((s) => s.subtaskId).join(", ")}); next, run:`);
    lines.push(`  ${CLI} answer ${result.goalId} "<your answer>"${nats}`);
  } else if (result.status === "needs_review") {
    const held = result.subtasks.filter((s) => s.status === "needs_review");
    lines.push(`the goal waits for a review of ${held.map((s) => s.subtaskId).join(", ")}; next, run one of:`);
    for (const s of held) {
      lines.push(`  ${CLI} review ${result.goalId} ${s.subtaskId} accept${nats}`);
      lines.push(`  ${CLI} review ${result.goalId} ${s.subtaskId} reject --reason "…"${nats}`);
    }
  } else if (isWaiting(result.status)) {
    lines.push(`the goal waits for a person (${result.status}); where it stands:`);
    lines.push(`  ${CLI} goal show ${result.goalId}${nats}`);
  } else {
    return [];
  }
  lines.push(`what happened so far: ${CLI} trace ${result.goalId}${nats}`);
  return lines;
}
