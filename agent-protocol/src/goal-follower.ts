// Follows one goal from the events stream, as `switchyard goal` does: its step events and its results (interim on a
// pause, final at the end), stored ones first and then live, so nothing published before the follow began is missed.
import { GoalResult, saidByItsService, StepEvent } from "@switchyard/contracts";
import { followStream, type Bus } from "@switchyard/infra";

/** Something that happened to the goal. */
export type GoalUpdate = { type: "event"; event: StepEvent } | { type: "result"; result: GoalResult };

/** A running follow: updates in arrival order (events and results come from two readers). */
export type GoalFollower = {
  /** The next update, or `"timeout"` when none came within `timeoutMs` (nothing is lost: it waits in the queue). */
  next(timeoutMs: number): Promise<GoalUpdate | "timeout">;
  /** Puts an update taken with `next` back at the front, to be taken again. */
  putBack(update: GoalUpdate): void;
  /** Stops both readers (and deletes their consumers). */
  close(): Promise<void>;
};

/** What the readers use of a delivered message. */
type Delivered = { subject: string; json(): unknown };

function json(msg: Delivered): unknown {
  try {
    return msg.json();
  } catch {
    return undefined;
  }
}

/** Starts following goal `goalId` of `tenant` (the subjects a tenant's identity may read). */
export function followGoal(bus: Bus, ref: { tenant: string; goalId: string }): GoalFollower {
  const { subjects, streams } = bus.names;
  const stop = new AbortController();
  const queue: GoalUpdate[] = [];
  let failure: Error | undefined;
  let wake = () => {};

  const read = async (filter: string, toUpdate: (msg: Delivered) => GoalUpdate | undefined) => {
    for await (const msg of followStream(bus, streams.events, filter, stop.signal)) {
      const update = toUpdate(msg);
      if (update === undefined) continue;
      queue.push(update);
      wake();
    }
  };
  const readers = Promise.all([
    read(subjects.events(ref.tenant, ref.goalId, "*"), (msg) => {
      const event = StepEvent.safeParse(json(msg));
      const publisher = msg.subject.split(".").at(-1) ?? "";
      return event.success && saidByItsService(publisher, event.data)
        ? { type: "event", event: event.data }
        : undefined;
    }),
    read(subjects.goalDone(ref.tenant, ref.goalId), (msg) => {
      const result = GoalResult.safeParse(json(msg));
      return result.success ? { type: "result", result: result.data } : undefined;
    }),
  ]).catch((err: unknown) => {
    if (!stop.signal.aborted) failure = err instanceof Error ? err : new Error(String(err));
    wake();
  });

  return {
    async next(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const update = queue.shift();
        if (update !== undefined) return update;
        if (failure !== undefined) throw failure;
        const left = deadline - Date.now();
        if (left <= 0 || stop.signal.aborted) return "timeout";
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
    putBack(update) {
      queue.unshift(update);
    },
    async close() {
      stop.abort();
      wake();
      await readers;
    },
  };
}
