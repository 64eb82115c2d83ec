import { StepEvent, WIRE_VERSION } from "@switchyard/contracts";
import type { Bus } from "./connect.ts";
import { errorMessage } from "./errors.ts";
import type { Logger } from "./logger.ts";
import { publishJson } from "./publish.ts";

/** A StepEvent without the fields the emitter fills in (`v`, `at`, `source`). */
export type StepEventInput = StepEvent extends infer E
  ? E extends StepEvent
    ? Omit<E, "v" | "at" | "source">
    : never
  : never;

/** Publishes step events to `<prefix>.events.<tenant>.<goalId>.<source>`. */
export type EventEmitter = {
  /** Publishes and waits for the stream to store it; throws if it could not be stored. */
  emit(event: StepEventInput, headers?: Record<string, string | undefined>): Promise<void>;
  /** Publishes without failing the caller: an event that cannot be stored is logged instead. */
  emitSafely(event: StepEventInput, headers?: Record<string, string | undefined>): Promise<void>;
};

/**
 * Creates an emitter for a service. `source` is the service's subject token (`coordinator`, `executor`,
 * `agent-<name>`): the server's permissions let only that service publish under it, so a reader knows who said
 * what. Events name `<source>/<instance>` in their `source` field. Events without a goal (rejected messages) go to
 * `<prefix>.events._rejected.<source>`.
 */
export function createEventEmitter(bus: Bus, source: string, logger?: Logger): EventEmitter {
  const { subjects } = bus.names;
  const emitter = `${source}/${bus.config.instance}`;
  const emit: EventEmitter["emit"] = async (event, headers) => {
    const full = { ...event, v: WIRE_VERSION, at: new Date().toISOString(), source: emitter } as StepEvent;
    const subject = "tenant" in full ? subjects.events(full.tenant, full.goalId, source) : subjects.rejected(source);
    await publishJson(bus, subject, StepEvent, full, { headers });
  };
  return {
    emit,
    async emitSafely(event, headers) {
      try {
        await emit(event, headers);
      } catch (err) {
        logger?.error(
          { event: "event.publish_failed", type: event.type, err: errorMessage(err) },
          "could not publish a step event",
        );
      }
    },
  };
}
