import type { Usage } from "@switchyard/contracts";

/** USD per million tokens. */
export type ModelPrice = { inputPerMTok: number; outputPerMTok: number };

// List prices at the time of writing; extend or override with `registerModelPrices`. Keys are `<provider>:<model>`;
// a model without an entry costs 0 and is logged once, so a missing price is visible rather than silently wrong.
const prices = new Map<string, ModelPrice>([
  ["anthropic:claude-sonnet-4-5", { inputPerMTok: 3, outputPerMTok: 15 }],
  ["anthropic:claude-opus-4-1", { inputPerMTok: 15, outputPerMTok: 75 }],
  ["anthropic:claude-haiku-4-5", { inputPerMTok: 1, outputPerMTok: 5 }],
  ["openai:gpt-4.1", { inputPerMTok: 2, outputPerMTok: 8 }],
  ["openai:gpt-4.1-mini", { inputPerMTok: 0.4, outputPerMTok: 1.6 }],
  ["openai:gpt-4o", { inputPerMTok: 2.5, outputPerMTok: 10 }],
  ["openai:gpt-4o-mini", { inputPerMTok: 0.15, outputPerMTok: 0.6 }],
]);

/** Adds or replaces prices, e.g. `registerModelPrices({ "openai-compatible:vllm": { inputPerMTok: 0, outputPerMTok: 0 } })`. */
export function registerModelPrices(entries: Record<string, ModelPrice>): void {
  for (const [model, price] of Object.entries(entries)) prices.set(model, price);
}

/** The price of a model string (`anthropic:claude-sonnet-4-5`), if known. Scripted models carry their own in the script. */
export function modelPrice(model: string): ModelPrice | undefined {
  return prices.get(model);
}

/** Cost in USD of one call's real token counts. */
export function costOf(price: ModelPrice | undefined, usage: Pick<Usage, "inputTokens" | "outputTokens">): number {
  if (price === undefined) return 0;
  return (usage.inputTokens * price.inputPerMTok + usage.outputTokens * price.outputPerMTok) / 1_000_000;
}
