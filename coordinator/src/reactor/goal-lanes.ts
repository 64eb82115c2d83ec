import type { GoalRecord } from "@switchyard/contracts";
import type { Versioned } from "@switchyard/infra";
import type { GoalInput } from "./goal-input.ts";
import type { Applied, GoalView } from "./reaction.ts";

/** One piece of work for a goal: an input to decide (or none), and whether to send what the record then owes. */
export type LaneWork = { input?: GoalInput; view?: GoalView; flush: boolean };

/** Runs a batch of one goal's work; returns one outcome per piece, in order (`undefined`: unknown goal). */
export type BatchRunner = (
  goalId: string,
  work: LaneWork[],
  known: Versioned<GoalRecord> | undefined,
) => Promise<Array<Applied | undefined>>;

/** Per-goal queues of work: see {@link createGoalLanes}. */
export type GoalLanes = { submit(goalId: string, work: LaneWork): Promise<Applied | undefined> };

type Lane = {
  queue: Array<{ work: LaneWork; resolve: (a: Applied | undefined) => void; reject: (e: unknown) => void }>;
  /** The version this lane wrote last: the next batch writes on it without reading first. */
  last?: Versioned<GoalRecord>;
};

/**
 * Inputs of one goal in this process wait their turn, and whatever queued while a turn ran is decided together in
 * the next one: eight results of a fan-out that arrive at once cost two or three writes, not eight writes and the
 * compare-and-set conflicts of eight handlers racing on one record. Other replicas still race through compare-and-set.
 * A lane exists only while it has work: an idle goal holds no memory here.
 */
export function createGoalLanes(run: BatchRunner): GoalLanes {
  const lanes = new Map<string, Lane>();

  async function drain(goalId: string, lane: Lane): Promise<void> {
    while (lane.queue.length > 0) {
      const batch = lane.queue.splice(0);
      try {
        const outcomes = await run(
          goalId,
          batch.map((b) => b.work),
          lane.last,
        );
        lane.last = outcomes.find((o) => o !== undefined)?.record;
        batch.forEach((b, i) => b.resolve(outcomes[i]));
      } catch (err) {
        // What this lane wrote may be stale after a failure: the next batch reads.
        lane.last = undefined;
        for (const b of batch) b.reject(err);
      }
    }
    lanes.delete(goalId);
  }

  return {
    submit(goalId, work) {
      return new Promise((resolve, reject) => {
        let lane = lanes.get(goalId);
        const idle = lane === undefined;
        if (lane === undefined) {
          lane = { queue: [] };
          lanes.set(goalId, lane);
        }
        lane.queue.push({ work, resolve, reject });
        if (idle) void drain(goalId, lane);
      });
    },
  };
}
