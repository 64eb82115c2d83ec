import { describe, expect, it } from "vitest";
import type { ModelProvider, ModelRequest, ModelResponse } from "./types.ts";
import { responseCacheKey, withResponseCache, type ResponseCacheStore } from "./response-cache.ts";

const request = (over: Partial<ModelRequest> = {}): ModelRequest => ({
  model: "m1",
  system: "Be brief.",
  messages: [{ role: "user", content: "hi" }],
  tools: [{ name: "lookup", description: "Looks up.", inputSchema: { type: "object" } }],
  maxOutputTokens: 100,
  toolChoice: "required",
  signal: new AbortController().signal,
  ...over,
});
const reply: ModelResponse = {
  text: "hello",
  toolCalls: [{ id: "c1", name: "lookup", args: { q: 1 }, rawArgs: '{"q":1}' }],
  usage: { inputTokens: 10, outputTokens: 2 },
  stopReason: "tool_use",
};

function setup(ttlMs = 1_000) {
  let calls = 0;
  let clock = 0;
  const entries = new Map<string, string>();
  const store: ResponseCacheStore = {
    get: async (k) => entries.get(k),
    put: async (k, v) => void entries.set(k, v),
  };
  const provider: ModelProvider = {
    name: "fake",
    complete: async () => {
      calls++;
      return reply;
    },
  };
  const cached = withResponseCache(provider, store, { ttlMs, now: () => clock });
  return { cached, calls: () => calls, tick: (ms: number) => (clock += ms), entries };
}

describe("withResponseCache", () => {
  it("answers an identical call from the cache, marked cached, without calling the model", async () => {
    const s = setup();
    expect(await s.cached.complete(request())).toEqual(reply);
    expect(await s.cached.complete(request())).toEqual({ ...reply, cached: true });
    expect(s.calls()).toBe(1);
  });

  it("misses on any difference that decides the reply: messages, tools, model, system, parameters", async () => {
    const s = setup();
    await s.cached.complete(request());
    for (const changed of [
      request({ messages: [{ role: "user", content: "hi!" }] }),
      request({ tools: [] }),
      request({ model: "m2" }),
      request({ system: "Be long." }),
      request({ maxOutputTokens: 99 }),
      request({ toolChoice: "auto" }),
    ]) {
      await s.cached.complete(changed);
    }
    expect(s.calls()).toBe(7);
  });

  it("expires entries after their time to live", async () => {
    const s = setup(1_000);
    await s.cached.complete(request());
    s.tick(999);
    await s.cached.complete(request());
    expect(s.calls()).toBe(1);
    s.tick(2);
    await s.cached.complete(request());
    expect(s.calls()).toBe(2);
  });

  it("calls the model when the cache fails or holds junk, and keys ignore the abort signal", async () => {
    const s = setup();
    s.entries.set(responseCacheKey("fake", request()), "not json {");
    expect(await s.cached.complete(request())).toEqual(reply);
    expect(s.calls()).toBe(1);
    expect(responseCacheKey("fake", request())).toBe(
      responseCacheKey("fake", request({ signal: AbortSignal.abort() })),
    );
    const broken = withResponseCache(
      { name: "fake", complete: async () => reply },
      { get: () => Promise.reject(new Error("down")), put: () => Promise.reject(new Error("down")) },
      { ttlMs: 1_000 },
    );
    expect(await broken.complete(request())).toEqual(reply);
  });
});
