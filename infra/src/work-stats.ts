import type { Service, ServiceConfig } from "@nats-io/services";
import { respondToInbox } from "./reply.ts";

/**
 * Work a service did that did not come in through a micro endpoint (subtasks, actions: they arrive from JetStream),
 * in the field names of an endpoint's `$SRV.STATS` entry; times in nanoseconds. An error is also a request.
 */
export type WorkStatsData = {
  num_requests: number;
  num_errors: number;
  last_error?: string;
  processing_time: number;
  average_processing_time: number;
};

/** Counts of the work one service process did since it started. */
export type WorkStats = {
  /** One piece of work ended after `ms`; with `error` (its message) when it failed. */
  record(ms: number, error?: string): void;
  snapshot(): WorkStatsData;
};

export function createWorkStats(): WorkStats {
  let requests = 0;
  let errors = 0;
  let lastError: string | undefined;
  let totalNs = 0;
  return {
    record(ms, error) {
      requests++;
      totalNs += Math.round(Math.max(0, ms) * 1e6);
      if (error !== undefined) {
        errors++;
        lastError = error;
      }
    },
    snapshot: () => ({
      num_requests: requests,
      num_errors: errors,
      ...(lastError === undefined ? {} : { last_error: lastError }),
      processing_time: totalNs,
      average_processing_time: requests === 0 ? 0 : Math.round(totalNs / requests),
    }),
  };
}

/**
 * The `statsHandler` of a service with a work endpoint on `subject`: that endpoint's `$SRV.STATS` entry carries the
 * counts, in `data` and in its own columns (what `nats micro stats` prints). `@nats-io/services` counts an endpoint's
 * requests only for messages its handler receives and has no public way to add work that came from elsewhere; it
 * hands the endpoint, counters included, to this handler just before it reads them, so they are set here.
 */
export function workStatsHandler(subject: string, stats: WorkStats): NonNullable<ServiceConfig["statsHandler"]> {
  return (endpoint) => {
    if (endpoint.subject !== subject) return Promise.resolve(undefined);
    const snapshot = stats.snapshot();
    const counters = endpointCounters(endpoint);
    // Without them (another version of the library) the counts are still in `data`.
    if (counters !== undefined) Object.assign(counters, { ...snapshot, last_error: snapshot.last_error ?? "" });
    return Promise.resolve(snapshot);
  };
}

/** The counters `@nats-io/services` keeps on an endpoint, if this endpoint has them. */
function endpointCounters(endpoint: unknown): Record<string, unknown> | undefined {
  const counters = (endpoint as { stats?: unknown }).stats;
  if (typeof counters !== "object" || counters === null) return undefined;
  const record = counters as Record<string, unknown>;
  return typeof record["num_requests"] === "number" && typeof record["processing_time"] === "number"
    ? record
    : undefined;
}

/** Adds the work endpoint `name` on `subject`; a request to it (none is needed) is answered with the counts. */
export function addWorkEndpoint(service: Service, name: string, subject: string, stats: WorkStats): void {
  service.addEndpoint(name, {
    subject,
    handler: (err, msg) => {
      if (err === null) respondToInbox(msg, JSON.stringify(stats.snapshot()));
    },
  });
}
