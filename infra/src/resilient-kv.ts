import type { KV } from "@nats-io/kv";
import { retryTransient } from "./transient.ts";

/**
 * The KV operations retried through a leader election. Reads are idempotent; `create` and `update` are
 * compare-and-set, so a write that landed before its answer was lost comes back as a conflict, which every caller
 * already handles; `put` and `delete` write the same value again.
 */
const RETRIED = new Set<PropertyKey>(["get", "create", "update", "put", "delete"]);

/**
 * A KV bucket whose reads and writes ride out a lost stream leader (see {@link retryTransient}): with replicated
 * buckets, a node loss makes every call fail for the seconds an election takes, and a handler that fails then burns
 * a delivery or, worse, gives up on work that was nearly done (a refund paid and not yet recorded).
 */
export function withTransientRetries(kv: KV): KV {
  return new Proxy(kv, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (!RETRIED.has(prop)) return fn.bind(target);
      return (...args: unknown[]) =>
        retryTransient(() => fn.apply(target, args) as Promise<unknown>, { idempotent: true });
    },
  });
}
