import type { KV } from "@nats-io/kv";

/**
 * The effects ledger: effect idempotency key → the recorded result of a write tool (KV `<prefix>_effects`), so a
 * redelivered subtask that makes the same call gets the recorded result instead of repeating the side effect.
 */
export type EffectsLedger = {
  find(key: string): Promise<string | undefined>;
  /** Records a result unless one is already recorded (first writer wins). */
  record(key: string, result: string): Promise<void>;
};

/** A ledger on the effects bucket. Keys are `<goalId>/<subtaskId>/<tool>/<sha256>`, valid KV keys by construction. */
export function createEffectsLedger(effects: KV): EffectsLedger {
  return {
    async find(key) {
      const entry = await effects.get(key);
      return entry === null || entry.operation !== "PUT" ? undefined : entry.string();
    },
    async record(key, result) {
      try {
        await effects.create(key, result);
      } catch (err) {
        // Already recorded (a concurrent replica): keep the first record.
        if ((await effects.get(key))?.operation !== "PUT") throw err;
      }
    },
  };
}

/** An in-memory ledger for unit tests of a single process. */
export function createMemoryEffectsLedger(): EffectsLedger & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    find: async (key) => entries.get(key),
    record: async (key, result) => {
      if (!entries.has(key)) entries.set(key, result);
    },
  };
}
