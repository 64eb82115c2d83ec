// Follows one goal's step events on the events stream (stored ones first, then new ones) into a progress view, until
// stopped. An event is believed only from the service it is about, as `trace` believes it.
import { RunStatus, saidByItsService, StepEvent } from "@switchyard/contracts";
import { followStream, type Bus } from "@switchyard/infra";
import { colourFor, painter } from "./colour.ts";
import { applyEvent, newGoalProgress } from "./goal-progress.ts";
import { lineView, ttyView, type ProgressView } from "./live-view.ts";

/** Goal states after which the command prints a result: every RunStatus (an end, or waiting for a person). */
const SETTLED = new Set<string>(RunStatus.options);
/** How long `stop` waits for the goal's last event after its result. */
const SETTLE_MS = 500;

/** A running watch: `stop` draws the last state and resolves once the stream reader is closed. */
export type GoalWatch = { stop(): Promise<void> };

/** The view for `stream`: redrawn lines on a terminal, plain lines elsewhere; colour only on a terminal without NO_COLOR. */
export function viewFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): ProgressView {
  const paint = painter(colourFor(stream, env));
  return stream.isTTY ? ttyView(stream, paint, Date.now()) : lineView(stream, paint, Date.now());
}

/** Watches goal `id` of `tenant` (the subjects a backend may read) into `view`. */
export function watchGoal(bus: Bus, ref: { id: string; tenant: string }, view: ProgressView): GoalWatch {
  const progress = newGoalProgress(ref.id);
  const stop = new AbortController();
  const filter = bus.names.subjects.events(ref.tenant, ref.id, "*");
  let settled = () => {};
  const goalSettled = new Promise<void>((resolve) => (settled = resolve));
  const done = (async () => {
    for await (const msg of followStream(bus, bus.names.streams.events, filter, stop.signal)) {
      let raw: unknown;
      try {
        raw = msg.json();
      } catch {
        continue;
      }
      const e = StepEvent.safeParse(raw);
      const publisher = msg.subject.split(".").at(-1) ?? "";
      if (!e.success || !saidByItsService(publisher, e.data)) continue;
      applyEvent(progress, e.data);
      view.update(progress, e.data);
      if (SETTLED.has(progress.state)) settled();
    }
  })().catch(() => undefined); // progress is a courtesy: the result is what the command waits for
  return {
    async stop() {
      // The result and the goal's last event are sent together: give that event a moment to arrive.
      await Promise.race([goalSettled, new Promise((r) => setTimeout(r, SETTLE_MS).unref())]);
      stop.abort();
      await done;
      view.finish(progress);
    },
  };
}
