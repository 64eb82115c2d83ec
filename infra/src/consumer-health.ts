import type { Bus } from "./connect.ts";
import { errorMessage } from "./errors.ts";

/** How one consumer loop of a process is doing. */
export type ConsumerState = {
  readonly stream: string;
  readonly durable: string;
  /** False from a failed attempt (consumer missing, fetch refused, …) until a fetch completes again. */
  readonly healthy: boolean;
  /** The last error the loop met, kept after it recovers. */
  readonly lastError?: string;
  /** When it last stopped being healthy (ISO time), while it is not. */
  readonly failingSince?: string;
};

/** What a consumer loop reports about itself (see {@link trackConsumer}). */
export type ConsumerTracker = {
  /** A fetch completed (or delivered a message): the consumer works. */
  ok(): void;
  /** An attempt failed; the loop retries after a backoff. */
  failed(err: unknown): void;
  /** The loop ended: it is no longer one of the bus's consumers. */
  untrack(): void;
};

type Entry = { stream: string; durable: string; healthy: boolean; lastError?: string; failingSince?: string };

/** The running consumer loops per NATS connection (one per process, in a service). */
const running = new WeakMap<object, Set<Entry>>();

/** Registers a consumer loop of `bus`, healthy until it reports a failure. `startConsumer` does this for each loop. */
export function trackConsumer(bus: Pick<Bus, "nc">, stream: string, durable: string): ConsumerTracker {
  let entries = running.get(bus.nc);
  if (entries === undefined) {
    entries = new Set();
    running.set(bus.nc, entries);
  }
  const set = entries;
  const entry: Entry = { stream, durable, healthy: true };
  set.add(entry);
  return {
    ok() {
      entry.healthy = true;
      entry.failingSince = undefined;
    },
    failed(err) {
      if (entry.healthy) entry.failingSince = new Date().toISOString();
      entry.healthy = false;
      entry.lastError = errorMessage(err);
    },
    untrack: () => void set.delete(entry),
  };
}

/** The consumer loops running on `bus`'s connection now, and how each is doing (a copy). */
export function consumerStates(bus: Pick<Bus, "nc">): ConsumerState[] {
  return [...(running.get(bus.nc) ?? [])].map((e) => ({ ...e }));
}
