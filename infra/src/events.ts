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
  /**
   * Publishes and waits for the stream to store it; throws if it could not be stored. `msgId`: an event that stands
   * for something that happens once (a dispatch, a goal's end) is stored once, however often it is sent (a
   * redelivered input, two replicas flushing the same record) within the stream's duplicate window.
   */
  emit(event: StepEventInput, headers?: Record<string, string | undefined>, msgId?: string): Promise<void>;
  /** Publishes without failing the caller: an event that cannot be stored is logged instead. */
  emitSafely(event: StepEventInput, headers?: Record<string, string | undefined>, msgId?: string): Promise<void>;
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
  const emit: EventEmitter["emit"] = async (event, headers, msgId) => {
    const full = { ...event, v: WIRE_VERSION, at: new Date().toISOString(), source: emitter } as StepEvent;
    const subject = "tenant" in full ? subjects.events(full.tenant, full.goalId, source) : subjects.rejected(source);
    await publishJson(bus, subject, StepEvent, full, { headers, msgId });
  };
  return {
    emit,
    async emitSafely(event, headers, msgId) {
      try {
        await emit(event, headers, msgId);
      } catch (err) {
        logger?.error(
          { event: "event.publish_failed", type: event.type, err: errorMessage(err) },
          "could not publish a step event",
        );
      }
    },
  };
}
