import { AckPolicy, DeliverPolicy, type Consumer, type JsMsg } from "@nats-io/jetstream";
import { nanos, nuid } from "@nats-io/transport-node";
import type { Bus } from "./connect.ts";
import { InfraError } from "./errors.ts";

/** Where to start reading. */
export type ReadFrom = { since?: Date };

/** An ephemeral consumer the server drops by itself when left idle. */
const INACTIVE_MS = 30_000;

/**
 * Creates an ephemeral pull consumer on `stream` for one filter subject, by name. Named consumers name their filter
 * in the API subject, so an identity allowed to read only `<prefix>.goal.done.<tenant>.>` can read exactly that (an
 * ordered consumer would also need the stream's info, which lists every subject in it).
 */
export async function openReader(bus: Bus, stream: string, filter: string, from: ReadFrom = {}): Promise<Consumer> {
  const name = `read_${nuid.next()}`;
  await bus.jsm.consumers.add(stream, {
    name,
    filter_subject: filter,
    ack_policy: AckPolicy.None,
    mem_storage: true,
    inactive_threshold: nanos(INACTIVE_MS),
    ...(from.since === undefined
      ? { deliver_policy: DeliverPolicy.All }
      : { deliver_policy: DeliverPolicy.StartTime, opt_start_time: from.since.toISOString() }),
  });
  return bus.js.consumers.get(stream, name);
}

/** The messages read, decoded as JSON, in stream order; those that are not JSON are only counted. */
export type StoredJson = { values: unknown[]; undecodable: number };

const BATCH = 500;

/**
 * Every message stored so far on `filter` (one subject, wildcards allowed: one filter per consumer keeps this working
 * on nats-server 2.9) in `stream`. Stops once it has read as many messages as were pending when it started, so
 * messages published meanwhile never keep it waiting; bounded by `timeoutMs` (default 30 s).
 */
export async function readStoredJson(
  bus: Bus,
  stream: string,
  filter: string,
  opts: ReadFrom & { timeoutMs?: number } = {},
): Promise<StoredJson> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  const consumer = await openReader(bus, stream, filter, opts);
  const out: StoredJson = { values: [], undecodable: 0 };
  try {
    let remaining = (await consumer.info(true)).num_pending;
    while (remaining > 0) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new InfraError(
          "SY_ERR_TOPOLOGY",
          "system",
          `timed out reading ${filter} from ${stream}: ${remaining} message(s) still unread`,
        );
      }
      const batch = await consumer.fetch({
        max_messages: Math.min(remaining, BATCH),
        expires: Math.max(1_000, Math.min(left, 5_000)),
      });
      let got = 0;
      for await (const m of batch) {
        got++;
        try {
          out.values.push(m.json<unknown>());
        } catch {
          out.undecodable++;
        }
        remaining = Math.min(remaining - 1, m.info.pending);
        if (remaining <= 0) break;
      }
      // Nothing came although some were pending: they aged out of the stream while we read.
      if (got === 0) break;
    }
  } finally {
    await consumer.delete().catch(() => undefined);
  }
  return out;
}

/**
 * Every message on `filter` in `stream`, stored ones first and then new ones as they come, until `signal` aborts.
 * How a client waits for a goal's result without a window in which it could be missed.
 */
export async function* followStream(bus: Bus, stream: string, filter: string, signal: AbortSignal): AsyncGenerator<JsMsg> {
  const consumer = await openReader(bus, stream, filter);
  try {
    while (!signal.aborted) {
      const batch = await consumer.fetch({ max_messages: 100, expires: 2_000 });
      const stop = () => void batch.close();
      signal.addEventListener("abort", stop, { once: true });
      try {
        for await (const m of batch) yield m;
      } finally {
        signal.removeEventListener("abort", stop);
      }
    }
  } finally {
    await consumer.delete().catch(() => undefined);
  }
}
