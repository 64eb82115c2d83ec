import type { AgentCard } from "@switchyard/contracts";
import { describe, expect, it } from "vitest";
import { createAgentCatalog, DEFAULT_CATALOG_TTL_MS } from "./agent-catalog.ts";

const card = (name: string): AgentCard => ({
  name,
  version: "1.0.0",
  description: name,
  kind: "handler",
  input: {},
  output: {},
  tools: [],
  defaultBudget: {},
});

/** A fetch that answers from a mutable list and counts its calls. */
function fakeDiscovery(initial: string[]) {
  const state = { names: initial, calls: 0 };
  const fetch = async () => {
    state.calls++;
    return state.names.map(card);
  };
  return { state, fetch };
}

describe("the agent catalog", () => {
  it("reuses the discovered cards for the TTL and discovers again after it", async () => {
    let now = 1_000;
    const { state, fetch } = fakeDiscovery(["keywords"]);
    const catalog = createAgentCatalog({ fetch, now: () => now });

    expect((await catalog.cards()).map((c) => c.name)).toEqual(["keywords"]);
    state.names = ["keywords", "report"];
    now += DEFAULT_CATALOG_TTL_MS - 1;
    expect((await catalog.cards()).map((c) => c.name)).toEqual(["keywords"]);
    expect(state.calls).toBe(1);

    now += 1;
    expect((await catalog.cards()).map((c) => c.name)).toEqual(["keywords", "report"]);
    expect(state.calls).toBe(2);
  });

  it("shares one discovery between concurrent callers", async () => {
    const { state, fetch } = fakeDiscovery(["keywords"]);
    const catalog = createAgentCatalog({ fetch, now: () => 0 });
    await Promise.all([catalog.cards(), catalog.cards(), catalog.cards()]);
    expect(state.calls).toBe(1);
  });

  it("does not keep a failed discovery", async () => {
    let fail = true;
    const catalog = createAgentCatalog({
      fetch: async () => {
        if (fail) throw new Error("no answer");
        return [card("keywords")];
      },
      ttlMs: 60_000,
      now: () => 0,
    });
    await expect(catalog.cards()).rejects.toThrow("no answer");
    fail = false;
    expect((await catalog.cards()).map((c) => c.name)).toEqual(["keywords"]);
  });
});
