import { AckPolicy, DeliverPolicy, type JsMsg, type PushConsumer } from "@nats-io/jetstream";
import { createInbox, nanos, nuid } from "@nats-io/transport-node";
import type { Bus } from "./connect.ts";
import { InfraError } from "./errors.ts";

/** Where to start reading. */
export type ReadFrom = { since?: Date };

/** An ephemeral consumer the server drops by itself when left idle. */
const INACTIVE_MS = 30_000;

/**
 * Creates an ephemeral push consumer on `stream` for one filter subject, by name, delivering into this connection's
 * own inbox. Named consumers name their filter in the API subject, so an identity allowed to read only
 * `<prefix>.goal.done.<tenant>.>` can read exactly that (an ordered consumer would also need the stream's info, which
 * lists every subject in it); and pushed messages go where only this identity may subscribe, so knowing a reader's
 * name gives no one else its messages (a pull consumer would hand them to whoever pulls).
 */
export async function openReader(bus: Bus, stream: string, filter: string, from: ReadFrom = {}): Promise<PushConsumer> {
  const name = `read_${nuid.next()}`;
  await bus.jsm.consumers.add(stream, {
    name,
    filter_subject: filter,
    deliver_subject: createInbox(bus.config.inboxPrefix),
    ack_policy: AckPolicy.None,
    mem_storage: true,
    inactive_threshold: nanos(INACTIVE_MS),
    ...(from.since === undefined
      ? { deliver_policy: DeliverPolicy.All }
      : { deliver_policy: DeliverPolicy.StartTime, opt_start_time: from.since.toISOString() }),
  });
  return bus.js.consumers.getPushConsumer(stream, name);
}

/** The messages read, decoded as JSON, in stream order; those that are not JSON are only counted. */
export type StoredJson = {
  values: unknown[];
  /** The subject of each value, at the same index. */
  subjects: string[];
  undecodable: number;
};

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
  const out: StoredJson = { values: [], subjects: [], undecodable: 0 };
  try {
    let remaining = (await consumer.info(true)).num_pending;
    if (remaining === 0) return out;
    const messages = await consumer.consume();
    const timer = setTimeout(() => void messages.stop(), Math.max(0, deadline - Date.now()));
    try {
      for await (const m of messages) {
        try {
          out.values.push(m.json<unknown>());
          out.subjects.push(m.subject);
        } catch {
          out.undecodable++;
        }
        remaining = Math.min(remaining - 1, m.info.pending);
        if (remaining <= 0) break;
      }
    } finally {
      clearTimeout(timer);
      await messages.close().catch(() => undefined);
    }
    if (remaining > 0 && Date.now() >= deadline) {
      throw new InfraError(
        "SY_ERR_TOPOLOGY",
        "system",
        `timed out reading ${filter} from ${stream}: ${remaining} message(s) still unread`,
      );
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
export async function* followStream(
  bus: Bus,
  stream: string,
  filter: string,
  signal: AbortSignal,
): AsyncGenerator<JsMsg> {
  const consumer = await openReader(bus, stream, filter);
  try {
    const messages = await consumer.consume();
    const stop = () => void messages.stop();
    signal.addEventListener("abort", stop, { once: true });
    try {
      if (!signal.aborted) for await (const m of messages) yield m;
    } finally {
      signal.removeEventListener("abort", stop);
      await messages.close().catch(() => undefined);
    }
  } finally {
    await consumer.delete().catch(() => undefined);
  }
}
