import { GoalResult, StepEvent } from "@switchyard/contracts";
import { errorMessage, followStream, type Bus } from "@switchyard/infra";
import { CliError } from "./client.ts";

/** Which goal to wait for; `tenant` narrows the subjects read (what a backend identity may read). */
export type GoalRef = { goalId: string; tenant?: string };

const PAUSED = new Set(["needs_input", "needs_approval", "needs_review"]);

/**
 * Waits for a goal's result — final, or interim when it pauses for a person (a pause the caller has not seen yet:
 * `pausesSeen` of them are skipped) — by reading its done subject from the events stream (stored results first, so a
 * result published before the wait began is not missed). If the goal turns out to be a duplicate of another goal
 * (same idempotency key), it follows that goal instead.
 */
export async function waitForGoalResult(
  bus: Bus,
  ref: GoalRef,
  timeoutMs: number,
  opts: { pausesSeen?: number } = {},
): Promise<GoalResult> {
  const { subjects, streams, sources } = bus.names;
  const all = new AbortController();
  const timer = setTimeout(() => all.abort(), timeoutMs);
  try {
    return await new Promise<GoalResult>((resolve, reject) => {
      all.signal.addEventListener(
        "abort",
        () => reject(new CliError(`no result for goal ${ref.goalId} within ${timeoutMs} ms`, 4)),
        { once: true },
      );
      let current: AbortController | undefined;
      const watchDone = (goalId: string) => {
        current?.abort();
        const mine = new AbortController();
        current = mine;
        const signal = AbortSignal.any([all.signal, mine.signal]);
        const filter = ref.tenant === undefined ? subjects.goalDoneOf(goalId) : subjects.goalDone(ref.tenant, goalId);
        void (async () => {
          let pauses = 0;
          for await (const msg of followStream(bus, streams.events, filter, signal)) {
            const result = GoalResult.safeParse(msg.json());
            if (!result.success) continue;
            if (!PAUSED.has(result.data.status)) return resolve(result.data);
            if (++pauses > (opts.pausesSeen ?? 0)) return resolve(result.data);
          }
        })().catch((err: unknown) => {
          if (!signal.aborted) reject(new CliError(`cannot read the result of goal ${goalId}: ${errorMessage(err)}`));
        });
      };
      watchDone(ref.goalId);
      const duplicates = subjects.events(ref.tenant ?? "*", ref.goalId, sources.coordinator);
      void (async () => {
        for await (const msg of followStream(bus, streams.events, duplicates, all.signal)) {
          const event = StepEvent.safeParse(msg.json());
          if (event.success && event.data.type === "goal.duplicate" && event.data.originalGoalId !== ref.goalId) {
            process.stderr.write(
              `goal ${ref.goalId} is a duplicate of ${event.data.originalGoalId} (same idempotency key); waiting for that one\n`,
            );
            watchDone(event.data.originalGoalId);
            return;
          }
        }
      })().catch(() => undefined);
    });
  } finally {
    clearTimeout(timer);
    all.abort();
  }
}
