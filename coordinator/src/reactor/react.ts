import type { CancelRequest, GoalRecord } from "@switchyard/contracts";
import type { Versioned } from "@switchyard/infra";
import type { CoordinatorDeps } from "../deps.ts";
import { decide } from "./decide.ts";
import type { GoalInput } from "./goal-input.ts";
import { markSent, outboxOf } from "./outbox.ts";
import { sendOutbox } from "./send-outbox.ts";

/** A goal's record and its recorded cancellation, read together. */
export type GoalView = { record: Versioned<GoalRecord>; cancel: CancelRequest | undefined };

/** Reads a goal's record and its cancellation request at once; `undefined` for an unknown goal. */
export async function readGoal(goalId: string, deps: CoordinatorDeps): Promise<GoalView | undefined> {
  const [record, cancel] = await Promise.all([deps.store.get(goalId), deps.store.cancelRequest(goalId)]);
  return record === undefined ? undefined : { record, cancel };
}

/** What a reaction did: the record it decided on (after any conflict) and the one it left. */
export type Reaction = { before: GoalRecord; after: GoalRecord };

/**
 * Feeds one input to a goal: the pure decision is applied with one compare-and-set (decided again on the fresher
 * record after a conflict), then what the new record owes is sent and the record notes it was. Safe to run any
 * number of times from any replica. `view`, read just before, saves the reads. `undefined` for an unknown goal.
 */
export async function react(
  goalId: string,
  input: GoalInput,
  deps: CoordinatorDeps,
  view?: GoalView,
): Promise<Reaction | undefined> {
  const applied = await applyInput(goalId, input, deps, view);
  if (applied === undefined) return undefined;
  const after = await flushGoal(goalId, deps, applied.record);
  return { before: applied.before, after: after ?? applied.record.value };
}

/**
 * The first half of {@link react}: the decision and its write, without sending. A caller that must do something
 * between the two (record a paused result's proposals before the pause is announced) calls {@link flushGoal} after.
 */
export async function applyInput(
  goalId: string,
  input: GoalInput,
  deps: CoordinatorDeps,
  view?: GoalView,
): Promise<{ before: GoalRecord; record: Versioned<GoalRecord> } | undefined> {
  const read = view ?? (await readGoal(goalId, deps));
  if (read === undefined) return undefined;
  const cancelled = read.cancel === undefined ? undefined : { reason: read.cancel.reason };
  let before = read.record.value;
  const record = await deps.store.update(
    goalId,
    (r) => {
      before = r;
      return decide(r, input, { now: new Date(), failurePolicies: deps.failurePolicies, cancelled });
    },
    read.record,
  );
  return { before, record };
}

/**
 * Sends what a goal's record owes (dispatches, timers, its pause or end) and notes in the record that it went.
 * `known`: the version just written, else it is read. Returns the record afterwards (`undefined`: unknown goal).
 */
export async function flushGoal(
  goalId: string,
  deps: CoordinatorDeps,
  known?: Versioned<GoalRecord>,
): Promise<GoalRecord | undefined> {
  const current = known ?? (await deps.store.get(goalId));
  if (current === undefined) return undefined;
  const outgoing = outboxOf(current.value, deps.defaultGoalMs);
  if (outgoing.length === 0) return current.value;
  await sendOutbox(current.value, outgoing, deps);
  return (await deps.store.update(goalId, (r) => markSent(r, outgoing), current)).value;
}
