import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { isAIMessage, type BaseMessage } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";
import { costOf, type HandlerUsage, type ModelPrice } from "@switchyard/agent-kit";

/** The tokens one model call reports: the messages' `usage_metadata`, else the provider's `llmOutput.tokenUsage`. */
export function tokensOf(output: LLMResult): { inputTokens: number; outputTokens: number } {
  let inputTokens = 0;
  let outputTokens = 0;
  for (const generation of output.generations.flat()) {
    const message = "message" in generation ? (generation.message as BaseMessage) : undefined;
    const usage = message !== undefined && isAIMessage(message) ? message.usage_metadata : undefined;
    inputTokens += usage?.input_tokens ?? 0;
    outputTokens += usage?.output_tokens ?? 0;
  }
  if (inputTokens + outputTokens > 0) return { inputTokens, outputTokens };
  const reported = output.llmOutput?.["tokenUsage"] as { promptTokens?: number; completionTokens?: number } | undefined;
  return { inputTokens: reported?.promptTokens ?? 0, outputTokens: reported?.completionTokens ?? 0 };
}

/**
 * A LangChain callback that reports every model call of a run to Switchyard's `ctx.usage`: one step, its tokens,
 * and its cost when the model's price is known. The kit counts them against the subtask's budget and aborts the
 * run's signal when a limit is reached.
 */
export class SwitchyardUsageCallback extends BaseCallbackHandler {
  name = "switchyard-usage";
  readonly #usage: HandlerUsage;
  readonly #price: ModelPrice | undefined;

  constructor(usage: HandlerUsage, price?: ModelPrice) {
    // Awaited, so a limit aborts the signal before the agent takes its next step (LangChain runs callbacks in the
    // background by default); errors raised, so a bad amount fails the run instead of disappearing into a log.
    super({ _awaitHandler: true, raiseError: true });
    this.#usage = usage;
    this.#price = price;
  }

  override handleLLMEnd(output: LLMResult): void {
    const tokens = tokensOf(output);
    this.#usage.record({ steps: 1, ...tokens, costUsd: costOf(this.#price, tokens) });
  }
}
