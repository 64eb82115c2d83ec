import type { GoalRecord, GoalResult, GoalTimer, SubtaskEnvelope } from "@switchyard/contracts";
import { goalDeadline } from "../goal-deadline.ts";
import { envelopeFor } from "./subtask-envelope.ts";

/** A message a goal's record says must go out, and has not yet (the record notes each one once it went). */
export type Outgoing =
  | { kind: "task"; envelope: SubtaskEnvelope }
  | { kind: "timer"; timer: Omit<GoalTimer, "v"> }
  | { kind: "paused"; result: GoalResult; pause: number }
  | { kind: "finished"; result: GoalResult; stopOutstanding: boolean };

/**
 * The messages a record owes, derived from it alone: every dispatched subtask not yet stored in the tasks stream, the
 * deadline timer of a running goal and the timer of every retry backoff not yet scheduled, the interim result of a
 * pause and the final result of a finished goal not yet announced. Sending them again is harmless (each has a msg id),
 * so a crash between the write and the send costs nothing but the resend.
 */
export function outboxOf(record: GoalRecord, defaultGoalMs: number): Outgoing[] {
  const out: Outgoing[] = [];
  const goalId = record.goal.id;
  const { phase } = record;
  if (phase.type === "running" && record.plan !== undefined) {
    for (const subtask of record.plan.subtasks) {
      const state = record.subtasks[subtask.id];
      if (state?.type === "dispatched" && !state.published)
        out.push({ kind: "task", envelope: envelopeFor(record, subtask, defaultGoalMs) });
      if (state?.type === "pending" && state.notBefore !== undefined && state.timerScheduled !== true)
        out.push({ kind: "timer", timer: { goalId, kind: "retry", subtaskId: subtask.id, at: state.notBefore } });
    }
    if (record.deadlineScheduled !== true) {
      const at = new Date(goalDeadline(record, defaultGoalMs)).toISOString();
      out.push({ kind: "timer", timer: { goalId, kind: "deadline", at } });
    }
  }
  if (phase.type === "paused" && !phase.announced)
    out.push({ kind: "paused", result: phase.result, pause: record.pausesSoFar ?? 1 });
  if (phase.type === "finished" && !phase.announced) {
    // A goal that ended early (a limit, a failure, a cancel) may still have subtasks running: they are stopped.
    const stopOutstanding = Object.values(record.subtasks).some((s) => s.type === "dispatched");
    out.push({ kind: "finished", result: phase.result, stopOutstanding });
  }
  return out;
}

/**
 * Notes in the record that `sent` went out; `undefined` when there is nothing left to note (a newer write already
 * did, or moved on). Only what is still owed as it was sent is marked: a subtask dispatched again since is not.
 */
export function markSent(record: GoalRecord, sent: Outgoing[]): GoalRecord | undefined {
  let next = record;
  const subtasks = { ...record.subtasks };
  let changed = false;
  for (const o of sent) {
    if (o.kind === "task") {
      const s = subtasks[o.envelope.subtaskId];
      if (s?.type === "dispatched" && !s.published && s.attempt === o.envelope.attempt) {
        subtasks[o.envelope.subtaskId] = { ...s, published: true };
        changed = true;
      }
    } else if (o.kind === "timer" && o.timer.kind === "retry" && o.timer.subtaskId !== undefined) {
      const s = subtasks[o.timer.subtaskId];
      if (s?.type === "pending" && s.notBefore === o.timer.at && s.timerScheduled !== true) {
        subtasks[o.timer.subtaskId] = { ...s, timerScheduled: true };
        changed = true;
      }
    } else if (o.kind === "timer" && o.timer.kind === "deadline" && next.deadlineScheduled !== true) {
      next = { ...next, deadlineScheduled: true };
      changed = true;
    } else if (o.kind === "paused" && next.phase.type === "paused" && !next.phase.announced) {
      if ((next.pausesSoFar ?? 1) === o.pause) {
        next = { ...next, phase: { ...next.phase, announced: true } };
        changed = true;
      }
    } else if (o.kind === "finished" && next.phase.type === "finished" && !next.phase.announced) {
      next = { ...next, phase: { ...next.phase, announced: true } };
      changed = true;
    }
  }
  return changed ? { ...next, subtasks } : undefined;
}
