import type { Bus } from "@switchyard/infra";

/** The runs of one agent replica in flight, by goal, so a cancellation can abort them. */
export type RunRegistry = {
  /** Registers a run of `goalId`; its controller aborts when the goal is cancelled. */
  start(goalId: string): AbortController;
  /** The run has ended. */
  finish(goalId: string, run: AbortController): void;
  /** Stops listening for cancellations. */
  stop(): void;
};

/**
 * Listens on `<prefix>.control.cancel.*` (published only by the coordinator) and aborts the runs of a cancelled
 * goal. A replica that misses the message still sees the goal's cancel flag in KV before it starts a run.
 */
export function listenForCancellations(bus: Bus): RunRegistry {
  const running = new Map<string, Set<AbortController>>();
  const sub = bus.nc.subscribe(bus.names.subjects.cancelAll, {
    callback: (_err, msg) => {
      const goalId = msg.subject.slice(msg.subject.lastIndexOf(".") + 1);
      for (const c of running.get(goalId) ?? []) c.abort(new Error(`goal ${goalId} was cancelled`));
    },
  });
  return {
    start(goalId) {
      const run = new AbortController();
      const runs = running.get(goalId) ?? new Set<AbortController>();
      running.set(goalId, runs.add(run));
      return run;
    },
    finish(goalId, run) {
      const runs = running.get(goalId);
      runs?.delete(run);
      if (runs?.size === 0) running.delete(goalId);
    },
    stop: () => sub.unsubscribe(),
  };
}
