import type { ConsumerState } from "./consumer-health.ts";
import type { ProcessHealth } from "./metrics-server.ts";

/** What a service process knows about itself, for {@link processHealth}. */
export type ProcessHealthInput = {
  /** Its NATS connection closed for good. */
  closed: boolean;
  /** Its NATS connection is up (false while it reconnects). */
  connected: boolean;
  /** The service started (its consumers run). */
  started: boolean;
  stopping: boolean;
  /** Its consumer loops (`consumerStates(bus)`). */
  consumers: readonly ConsumerState[];
};

/**
 * The process's `/healthz` and `/readyz`: not live once its connection is closed (a restart helps); not ready while it
 * starts, reconnects, stops, or while one of its consumers fails (missing, refused, …) — naming each failing consumer
 * and its last error — and ready again once they fetch fine.
 */
export function processHealth(s: ProcessHealthInput): ProcessHealth {
  if (s.closed) return { live: false, ready: false, detail: "the NATS connection is closed" };
  if (!s.connected) return { live: true, ready: false, detail: "reconnecting to NATS" };
  if (!s.started) return { live: true, ready: false, detail: "starting" };
  if (s.stopping) return { live: true, ready: false, detail: "stopping" };
  const failing = s.consumers.filter((c) => !c.healthy);
  if (failing.length > 0) {
    const which = failing.map(
      (c) => `consumer ${c.durable} on ${c.stream} failing since ${c.failingSince ?? "?"}: ${c.lastError ?? "unknown"}`,
    );
    return { live: true, ready: false, detail: which.join("; ") };
  }
  return { live: true, ready: true, detail: "ok" };
}
