import type { GoalRecord } from "@switchyard/contracts";
import type { Versioned } from "@switchyard/infra";
import type { CoordinatorDeps } from "../deps.ts";
import { decide } from "./decide.ts";
import type { GoalInput } from "./goal-input.ts";
import { createGoalLanes, type GoalLanes, type LaneWork } from "./goal-lanes.ts";
import { markSent, outboxOf } from "./outbox.ts";
import type { Applied, GoalView, Reaction } from "./reaction.ts";
import { sendOutbox } from "./send-outbox.ts";

/** Reads a goal's record and its cancellation request at once; `undefined` for an unknown goal. */
export async function readGoal(goalId: string, deps: CoordinatorDeps): Promise<GoalView | undefined> {
  const [record, cancel] = await Promise.all([deps.store.get(goalId), deps.store.cancelRequest(goalId)]);
  return record === undefined ? undefined : { record, cancel };
}

// One set of lanes per coordinator: its inputs of one goal are decided together, in the order they came.
const lanesOf = new WeakMap<CoordinatorDeps, GoalLanes>();

function lanes(deps: CoordinatorDeps): GoalLanes {
  let l = lanesOf.get(deps);
  if (l === undefined) {
    l = createGoalLanes((goalId, work, known) => runBatch(goalId, work, known, deps));
    lanesOf.set(deps, l);
  }
  return l;
}

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
  const done = await lanes(deps).submit(goalId, { input, view, flush: true });
  return done && { before: done.before, after: done.record.value };
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
): Promise<Applied | undefined> {
  return lanes(deps).submit(goalId, { input, view, flush: false });
}

/**
 * Sends what a goal's record owes (dispatches, timers, its pause or end) and notes in the record that it went.
 * `known`: a version just written (the lane may know a newer one). Returns the record afterwards (`undefined`: an
 * unknown goal).
 */
export async function flushGoal(
  goalId: string,
  deps: CoordinatorDeps,
  known?: Versioned<GoalRecord>,
): Promise<GoalRecord | undefined> {
  const view = known === undefined ? undefined : { record: known, cancel: undefined };
  return (await lanes(deps).submit(goalId, { flush: true, view }))?.record.value;
}

/**
 * One turn of a goal's lane: every input that queued is decided in order on the record, in one compare-and-set
 * write; then, if any of them asked for it, what the record owes is sent and noted (one more write). It starts from
 * the newest version at hand (the one the lane wrote last, or a view an input came with), so a busy goal is not read
 * again for each input; a stale one costs a conflict and a read, and a decision that changes nothing on a version it
 * did not just read is made again on a fresh read (the stored record may be waiting for exactly this input).
 */
async function runBatch(
  goalId: string,
  work: LaneWork[],
  known: Versioned<GoalRecord> | undefined,
  deps: CoordinatorDeps,
): Promise<Array<Applied | undefined>> {
  const inputs = work.filter((w): w is LaneWork & { input: GoalInput } => w.input !== undefined);
  const view = work.reduce<GoalView | undefined>(
    (newest, w) => (w.view !== undefined && w.view.record.revision > (newest?.record.revision ?? 0) ? w.view : newest),
    undefined,
  );
  const newest = [known, view?.record].reduce<Versioned<GoalRecord> | undefined>(
    (a, b) => (b !== undefined && b.revision > (a?.revision ?? 0) ? b : a),
    undefined,
  );
  const fresh = newest === undefined ? await readGoal(goalId, deps) : undefined;
  const start = newest ?? fresh?.record;
  if (start === undefined) return work.map(() => undefined);
  // A cancellation read with a view, or now: one this replica missed on the bus is still in KV.
  const cancel =
    view?.cancel ?? fresh?.cancel ?? (inputs.length > 0 ? await deps.store.cancelRequest(goalId) : undefined);
  const cancelled = cancel === undefined ? undefined : { reason: cancel.reason };
  const befores = new Map<LaneWork, GoalRecord>();
  const now = new Date();
  const decideAll = (r: GoalRecord) => {
    let current = r;
    let changed = false;
    for (const w of inputs) {
      befores.set(w, current);
      const next = decide(current, w.input, { now, failurePolicies: deps.failurePolicies, cancelled });
      if (next !== undefined) {
        current = next;
        changed = true;
      }
    }
    return changed ? current : undefined;
  };
  let record: Versioned<GoalRecord> = start;
  if (inputs.length > 0) {
    const written = await deps.store.update(goalId, decideAll, start);
    record = !written.written && fresh === undefined ? await deps.store.update(goalId, decideAll) : written;
  }
  if (work.some((w) => w.flush)) {
    const outgoing = outboxOf(record.value, deps.defaultGoalMs);
    if (outgoing.length > 0) {
      await sendOutbox(record.value, outgoing, deps);
      record = await deps.store.update(goalId, (r) => markSent(r, outgoing), record);
    }
  }
  return work.map((w) => ({ before: befores.get(w) ?? record.value, record }));
}
