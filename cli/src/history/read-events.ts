// Reads what the events stream holds on one subject, without waiting for messages that will never come.
import type { Bus } from "@switchyard/infra";
import { CliError } from "../client.ts";

/** Options of {@link readStoredJson}. */
export type ReadStoredOptions = {
  /** Only messages stored at or after this time (`deliver_policy: by_start_time`); default: all of them. */
  since?: Date;
  /** A bound on the whole read; default 30 s. */
  timeoutMs?: number;
};

/** The messages read, decoded as JSON, in stream order; those that are not JSON are only counted. */
export type StoredJson = { values: unknown[]; undecodable: number };

const BATCH = 500;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Every message stored so far on `subject` (one subject, wildcards allowed: one filter per consumer keeps this
 * working on nats-server 2.9) in the events stream. Uses an ordered consumer and stops once it has read as many
 * messages as were pending when it was created, so messages published meanwhile never keep it waiting.
 */
export async function readStoredJson(bus: Bus, subject: string, opts: ReadStoredOptions = {}): Promise<StoredJson> {
  const stream = bus.names.streams.events;
  const deadline = Date.now() + (opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const consumer = await bus.js.consumers.get(
    stream,
    opts.since === undefined
      ? { filter_subjects: subject, deliver_policy: "all" }
      : { filter_subjects: subject, deliver_policy: "by_start_time", opt_start_time: opts.since.toISOString() },
  );
  const out: StoredJson = { values: [], undecodable: 0 };
  try {
    let remaining = (await consumer.info(true)).num_pending;
    while (remaining > 0) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new CliError(`timed out reading ${subject} from ${stream}: ${remaining} message(s) still unread`);
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

/** The last message stored on `subject` in the events stream, as JSON; undefined when there is none. */
export async function readLastJson(bus: Bus, subject: string): Promise<unknown> {
  const msg = await bus.jsm.streams.getMessage(bus.names.streams.events, { last_by_subj: subject });
  if (msg === null) return undefined;
  try {
    return msg.json<unknown>();
  } catch {
    return undefined;
  }
}
