import type { KV } from "@nats-io/kv";
import type { WireNames } from "@switchyard/contracts";
import { canonicalJson, sha256Hex } from "@switchyard/infra";
import { z } from "zod";
import type { ModelProvider, ModelRequest, ModelResponse } from "./types.ts";

/** Where cached responses live: get and put by key, as text. */
export type ResponseCacheStore = {
  get(key: string): Promise<string | undefined>;
  put(key: string, value: string): Promise<void>;
};

/** An agent's response cache: how long an entry is reused. */
export type ResponseCacheOptions = { ttlMs: number };

const Entry = z.object({
  storedAt: z.number(),
  response: z.object({
    text: z.string(),
    toolCalls: z.array(z.object({ id: z.string(), name: z.string(), args: z.unknown(), rawArgs: z.string() })),
    usage: z.object({ inputTokens: z.number(), outputTokens: z.number() }),
    stopReason: z.enum(["end_turn", "tool_use", "max_tokens", "other"]),
  }),
});

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The cache key of a model call: a hash of everything that decides the reply — the provider, the model, the system
 * prompt, the messages, the tools and the call's parameters. Any difference (a tool added, a message changed) misses.
 */
export function responseCacheKey(provider: string, request: ModelRequest): string {
  const { signal: _signal, ...decisive } = request;
  return sha256Hex(canonicalJson({ provider, ...decisive }));
}

/**
 * Wraps a provider with a response cache: a call whose key has an entry younger than `ttlMs` returns that response,
 * marked `cached`, without reaching the model; otherwise the model answers and the response is stored. A cache that
 * fails to read or write never fails the call.
 */
export function withResponseCache(
  provider: ModelProvider,
  store: ResponseCacheStore,
  opts: ResponseCacheOptions & { now?: () => number },
): ModelProvider {
  const now = opts.now ?? Date.now;
  return {
    name: provider.name,
    async complete(request: ModelRequest): Promise<ModelResponse> {
      const key = responseCacheKey(provider.name, request);
      const stored = await store.get(key).catch(() => undefined);
      const entry = stored === undefined ? undefined : Entry.safeParse(parseOrUndefined(stored));
      if (entry?.success === true && now() - entry.data.storedAt < opts.ttlMs) {
        return { ...(entry.data.response as ModelResponse), cached: true };
      }
      const response = await provider.complete(request);
      await store.put(key, JSON.stringify({ storedAt: now(), response })).catch(() => undefined);
      return response;
    },
  };
}

/** A response cache in KV `<prefix>_cache`, under the agent's own keys (`agent.<agent>.<hash>`). */
export function kvResponseCache(kv: KV, names: WireNames, agent: string): ResponseCacheStore {
  const keyOf = (key: string) => `${names.keys.agentLedger(agent)}.${key}`;
  return {
    async get(key) {
      const e = await kv.get(keyOf(key));
      return e === null || e.operation !== "PUT" ? undefined : e.string();
    },
    async put(key, value) {
      await kv.put(keyOf(key), value);
    },
  };
}
