import { JetStreamApiError } from "@nats-io/jetstream";
import { RequestError, TimeoutError } from "@nats-io/transport-node";

/**
 * Why a JetStream call failed, if a retry in a moment can cure it:
 * - `no_leader`: nobody answered (nats.js reports no responders on a JetStream subject as "jetstream is not enabled"),
 *   or the API answered 503: in a cluster the stream's leader was lost and a new one is being elected. The request
 *   was not handled, so sending it again is always safe.
 * - `timeout`: no answer in time (a node died with the request in hand, or the client is reconnecting). The request
 *   may have been handled, so only an idempotent one may be sent again.
 */
export type TransientFailure = "no_leader" | "timeout";

/** JetStream API errors that mean "not now" rather than "no": the cluster or the stream has no leader yet. */
const CLUSTER_NOT_AVAILABLE = 10008;

/** Classifies a JetStream failure; `undefined` when retrying cannot help (a CAS conflict, a permission, bad input). */
export function transientFailure(err: unknown): TransientFailure | undefined {
  if (err instanceof TimeoutError || (err instanceof Error && err.cause instanceof TimeoutError)) return "timeout";
  if (err instanceof RequestError && err.isNoResponders()) return "no_leader";
  if (err instanceof Error && err.name === "JetStreamNotEnabled") return "no_leader";
  if (err instanceof JetStreamApiError && (err.status === 503 || err.code === CLUSTER_NOT_AVAILABLE))
    return "no_leader";
  return undefined;
}

/** Options of {@link retryTransient}. */
export type RetryTransientOptions = {
  /** Whether the operation may run twice with the same effect (a msg id, a CAS write, a read); default false. */
  idempotent?: boolean;
  /** How long to keep retrying; default {@link DEFAULT_TRANSIENT_RETRY_MS}. */
  maxMs?: number;
};

/** How long a JetStream call is retried through a leader election: 30 s, several elections' worth. */
export const DEFAULT_TRANSIENT_RETRY_MS = 30_000;
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 2_000;

/**
 * Runs a JetStream call, and runs it again while it fails transiently (see {@link transientFailure}): a lost stream
 * leader then costs a short wait instead of a failed handler, a burnt delivery and, at `max_deliver`, a failed
 * subtask. A timeout is retried only for an idempotent call. Bounded by `maxMs`; the last error is thrown.
 */
export async function retryTransient<T>(op: () => Promise<T>, opts: RetryTransientOptions = {}): Promise<T> {
  const deadline = Date.now() + (opts.maxMs ?? DEFAULT_TRANSIENT_RETRY_MS);
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      const failure = transientFailure(err);
      const retryable = failure === "no_leader" || (failure === "timeout" && opts.idempotent === true);
      const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt);
      if (!retryable || Date.now() + delay > deadline) throw err;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
