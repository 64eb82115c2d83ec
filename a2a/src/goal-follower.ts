// Follows one goal on the events stream — its results on `<prefix>.goal.done.<tenant>.<goalId>` and, for streams,
// its step events on `<prefix>.events.<tenant>.<goalId>.*` — as `switchyard goal` waits for a result and shows its
// progress. Stored messages come first, so nothing published before the follow began is missed.
import { GoalResult, StepEvent } from "@switchyard/contracts";
import { errorMessage, followStream, type Bus } from "@switchyard/infra";

/** What happens to a followed goal: a step (with the source token of its subject), or a result. */
export type GoalUpdate = { type: "step"; publisher: string; event: StepEvent } | { type: "result"; result: GoalResult };

/** Options of {@link followGoal}. */
export type FollowGoalOptions = {
  tenant: string;
  goalId: string;
  /** How many interim results (pauses for a person) the caller has seen already: they are skipped. */
  pausesSeen: number;
  /** Also follow the goal's step events; with `since`, only those that happened at or after it. */
  steps?: { since?: Date };
  signal: AbortSignal;
};

const PAUSED = new Set(["needs_input", "needs_approval", "needs_review"]);
/** Coordinator events published with a goal's result: once one is seen, every earlier step has been read. */
const SETTLING = new Set(["goal.finished", "goal.paused", "goal.cancelled"]);
/** How long to wait, after the result, for the steps published with it. */
const SETTLE_MS = 1_000;

/** The part of a stream message the follower reads. */
type StreamMessage = { subject: string; json<T = unknown>(): T };

function jsonOf(msg: StreamMessage): unknown {
  try {
    return msg.json();
  } catch {
    return undefined; // not JSON: not a message of ours
  }
}

/**
 * The updates of one goal, ending with its next result that is final or a pause not seen yet. Step events come in
 * stream order; the result comes after the steps published with it. Ends early, without a result, when `signal`
 * aborts; a broken read throws.
 */
export async function* followGoal(bus: Bus, opts: FollowGoalOptions): AsyncGenerator<GoalUpdate> {
  const { subjects, streams, sources } = bus.names;
  const stop = new AbortController();
  const signal = AbortSignal.any([opts.signal, stop.signal]);
  const queue: GoalUpdate[] = [];
  let failure: Error | undefined;
  let open = 0;
  let wake = () => {};
  const pump = (filter: string, toUpdate: (msg: StreamMessage) => GoalUpdate | undefined) => {
    open++;
    void (async () => {
      try {
        for await (const msg of followStream(bus, streams.events, filter, signal)) {
          const update = toUpdate(msg);
          if (update === undefined) continue;
          queue.push(update);
          wake();
        }
      } catch (err) {
        if (!signal.aborted) failure ??= err instanceof Error ? err : new Error(errorMessage(err));
      } finally {
        open--;
        wake();
      }
    })();
  };

  pump(subjects.goalDone(opts.tenant, opts.goalId), (msg) => {
    const result = GoalResult.safeParse(jsonOf(msg));
    return result.success ? { type: "result", result: result.data } : undefined;
  });
  const since = opts.steps?.since?.getTime();
  if (opts.steps !== undefined) {
    pump(subjects.events(opts.tenant, opts.goalId, "*"), (msg) => {
      const event = StepEvent.safeParse(jsonOf(msg));
      if (!event.success || (since !== undefined && Date.parse(event.data.at) < since)) return undefined;
      return { type: "step", publisher: msg.subject.split(".").at(-1) ?? "", event: event.data };
    });
  }

  let pauses = 0;
  let settled = opts.steps === undefined;
  let decisive: GoalUpdate | undefined;
  let settleBy = Infinity;
  try {
    for (;;) {
      const next = queue.shift();
      if (next?.type === "step") {
        if (next.publisher === sources.coordinator && SETTLING.has(next.event.type)) settled = true;
        yield next;
        continue;
      }
      if (next?.type === "result" && decisive === undefined) {
        if (PAUSED.has(next.result.status) && ++pauses <= opts.pausesSeen) continue;
        decisive = next;
        settleBy = Date.now() + SETTLE_MS;
      }
      if (decisive !== undefined && (settled || Date.now() >= settleBy)) {
        yield decisive;
        return;
      }
      if (next !== undefined) continue;
      if (failure !== undefined) throw failure;
      if (open === 0 || signal.aborted) return;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (decisive !== undefined) timer = setTimeout(resolve, Math.max(0, settleBy - Date.now()));
      });
      clearTimeout(timer);
    }
  } finally {
    stop.abort();
  }
}
