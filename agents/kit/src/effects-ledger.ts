import type { KV } from "@nats-io/kv";
import { EffectEntry } from "@switchyard/contracts";

// The entry's states live with the other ledgers' in the contracts.
export { EffectEntry } from "@switchyard/contracts";

/**
 * The effects ledger (KV `<prefix>_effects`): effect idempotency key → what happened. A write tool's call is claimed
 * before it runs and its outcome recorded after, so the same call — in a retry by the model or on a redelivered
 * subtask — never runs twice: it replays the outcome, and a claim without an outcome (a crash mid-effect) is not
 * run again blindly.
 */
export type EffectsLedger = {
  /** What is recorded for a key, if anything. */
  find(key: string): Promise<EffectEntry | undefined>;
  /** Claims a key. `claimed: true`: run the effect; otherwise the entry that is already there. */
  claim(key: string): Promise<{ claimed: true } | { claimed: false; entry: EffectEntry }>;
  /** Records the outcome of a claimed effect. */
  settle(key: string, outcome: { result: string } | { error: string }): Promise<void>;
};

const now = () => new Date().toISOString();
const outcomeEntry = (o: { result: string } | { error: string }): EffectEntry =>
  "result" in o ? { state: "done", result: o.result, at: now() } : { state: "failed", error: o.error, at: now() };

/** A ledger on the effects bucket. Keys are `<goalId>/<subtaskId>/<tool>/<sha256>`, valid KV keys by construction. */
export function createEffectsLedger(effects: KV): EffectsLedger {
  const read = async (key: string): Promise<EffectEntry | undefined> => {
    const entry = await effects.get(key);
    if (entry === null || entry.operation !== "PUT") return undefined;
    const parsed = EffectEntry.safeParse(entry.json());
    // An entry this code cannot read is treated as an unknown earlier attempt: never run again blindly.
    return parsed.success ? parsed.data : { state: "started", at: entry.created.toISOString() };
  };
  return {
    find: read,
    async claim(key) {
      try {
        await effects.create(key, JSON.stringify({ state: "started", at: now() } satisfies EffectEntry));
        return { claimed: true };
      } catch (err) {
        const entry = await read(key);
        if (entry === undefined) throw err;
        return { claimed: false, entry };
      }
    },
    async settle(key, outcome) {
      await effects.put(key, JSON.stringify(outcomeEntry(outcome)));
    },
  };
}

/** An in-memory ledger for unit tests of a single process. */
export function createMemoryEffectsLedger(): EffectsLedger & { entries: Map<string, EffectEntry> } {
  const entries = new Map<string, EffectEntry>();
  return {
    entries,
    find: async (key) => entries.get(key),
    claim: async (key) => {
      const entry = entries.get(key);
      if (entry !== undefined) return { claimed: false, entry };
      entries.set(key, { state: "started", at: now() });
      return { claimed: true };
    },
    settle: async (key, outcome) => void entries.set(key, outcomeEntry(outcome)),
  };
}
