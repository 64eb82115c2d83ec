import type { GoalTimer } from "@switchyard/contracts";
import { RetryLater } from "@switchyard/infra";
import type { CoordinatorDeps } from "./deps.ts";
import { react } from "./reactor/react.ts";

/** Longest a timer sleeps between checks (a far deadline is re-checked, so a changed clock or config is noticed). */
const MAX_SLEEP_MS = 3_600_000;

/** Outstanding timers the timer consumer holds (each goal has a deadline, plus retries and reviews): 1,000,000. */
export const TIMER_MAX_ACK_PENDING = 1_000_000;

/**
 * Handles a due timer (an early one goes back to sleep): a `deadline` ends a goal that still runs with
 * `limit_time` (its running subtasks are cancelled when the result goes out); a `retry` dispatches the subtask whose
 * backoff is over.
 */
export async function handleTimer(timer: GoalTimer, deps: CoordinatorDeps): Promise<void> {
  const wait = Date.parse(timer.at) - Date.now();
  if (wait > 0) throw new RetryLater(Math.min(wait, MAX_SLEEP_MS));
  if (timer.kind === "review") {
    if (timer.proposalId !== undefined) await deps.approvals?.onReviewDue(timer.proposalId);
    return;
  }
  // A timer of a goal that ended (or of a retry already dispatched) finds nothing to change and sends nothing.
  const reaction = await react(timer.goalId, { type: timer.kind === "deadline" ? "deadline" : "wake" }, deps);
  const after = reaction?.after;
  if (timer.kind === "deadline" && reaction?.before.phase.type === "running" && after?.phase.type === "finished") {
    deps.logger.warn({ event: "goal.deadline", goalId: timer.goalId }, "goal deadline passed");
  }
}
