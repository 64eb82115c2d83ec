import type { KV } from "@nats-io/kv";
import { errorMessage } from "@switchyard/infra";
import type { z } from "zod";

/** A live map of a KV bucket's entries under a key pattern, kept current by a watch. */
export type KvIndex<T> = {
  values(): IterableIterator<T>;
  get(id: string): T | undefined;
  /** Called with each entry's id and new value (`undefined`: deleted) after the index has it. */
  onChange(listener: (id: string, value: T | undefined) => void): () => void;
  stop(): void;
};

/**
 * Watches `pattern` in `kv` (current values first, then every change) and keeps `toValue` of each entry by the id
 * `idOf` reads from its key. An entry that breaks the schema is skipped with a note, not fatal: the console shows what
 * it can read.
 */
export async function watchKvIndex<S extends z.ZodType, T>(opts: {
  kv: KV;
  pattern: string;
  schema: S;
  idOf: (key: string) => string;
  toValue: (value: z.output<S>) => T;
  onSkipped?: (key: string, reason: string) => void;
}): Promise<KvIndex<T>> {
  const entries = new Map<string, T>();
  const listeners = new Set<(id: string, value: T | undefined) => void>();
  const watcher = await opts.kv.watch({ key: opts.pattern });
  void (async () => {
    for await (const entry of watcher) {
      const id = opts.idOf(entry.key);
      let value: T | undefined;
      if (entry.operation === "PUT") {
        try {
          const parsed = opts.schema.safeParse(entry.json());
          if (!parsed.success) {
            opts.onSkipped?.(entry.key, parsed.error.message);
            continue;
          }
          value = opts.toValue(parsed.data);
        } catch (err) {
          opts.onSkipped?.(entry.key, errorMessage(err));
          continue;
        }
        entries.set(id, value);
      } else {
        entries.delete(id);
      }
      for (const l of listeners) l(id, value);
    }
  })();
  return {
    values: () => entries.values(),
    get: (id) => entries.get(id),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: () => watcher.stop(),
  };
}
