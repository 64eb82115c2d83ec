import {
  ATTR,
  capturingContent,
  contentAttribute,
  GEN_AI_OPERATION,
  goalAttributes,
  providerAttributes,
  SPAN,
  SpanKind,
  withSpan,
  type GoalAttribution,
  type Span,
} from "@switchyard/infra";
import { inputMessages, outputMessages, systemInstructions } from "./gen-ai-messages.ts";
import type { ResolvedModel } from "./resolve-model.ts";
import type { ModelRequest, ModelResponse } from "./types.ts";

/** Options of {@link withChatSpan}. */
export type ChatSpanOptions = {
  model: ResolvedModel;
  request: Pick<ModelRequest, "system" | "messages" | "maxOutputTokens">;
  /** The goal the call works for: its conversation, user and session attributes. */
  goal?: GoalAttribution;
  agent?: string;
  attributes?: Record<string, string | number | boolean>;
};

/** What the call inside the span returns: its value, the response it got and what that cost. */
export type ChatSpanOutcome<T> = { value: T; response: ModelResponse; costUsd: number };

/**
 * The `gen_ai.provider.name` of a provider: the well-known `anthropic` and `openai`; a compatible server by the name
 * it was given (`openai-compatible:vllm` → `vllm`); the offline scripted models as `switchyard.scripted`.
 */
export function genAiProviderName(providerName: string): string {
  const colon = providerName.indexOf(":");
  const kind = colon < 0 ? providerName : providerName.slice(0, colon);
  if (kind === "scripted") return "switchyard.scripted";
  if (kind === "openai-compatible") return providerName.slice(colon + 1) || "openai-compatible";
  return kind;
}

/**
 * One model call under a `chat <model>` CLIENT span, as the GenAI semantic conventions describe it: provider, request
 * and response model, response id and finish reasons, tokens, cost (under our name and the one Langfuse reads), the
 * goal as the conversation, `error.type` and an error status when the call fails, and — only when content capture is
 * on — the prompt and the reply.
 */
export function withChatSpan<T>(opts: ChatSpanOptions, call: (span: Span) => Promise<ChatSpanOutcome<T>>): Promise<T> {
  const { model, request } = opts;
  return withSpan(
    SPAN.chat(model.model),
    {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR.genAiOperation]: GEN_AI_OPERATION.chat,
        ...providerAttributes(genAiProviderName(model.provider.name)),
        [ATTR.genAiRequestModel]: model.model,
        [ATTR.genAiRequestMaxTokens]: request.maxOutputTokens,
        [ATTR.model]: model.modelString,
        ...(opts.agent === undefined ? {} : { [ATTR.genAiAgentName]: opts.agent }),
        ...(opts.goal === undefined ? {} : goalAttributes(opts.goal)),
        ...opts.attributes,
      },
    },
    async (span) => {
      if (capturingContent()) {
        span.setAttributes({
          [ATTR.genAiSystemInstructions]: contentAttribute(systemInstructions(request)),
          [ATTR.genAiInputMessages]: contentAttribute(inputMessages(request)),
        });
      }
      const outcome = await call(span);
      const { response, costUsd } = outcome;
      const meta = response.meta ?? {};
      span.setAttributes({
        [ATTR.genAiInputTokens]: response.usage.inputTokens,
        [ATTR.genAiOutputTokens]: response.usage.outputTokens,
        [ATTR.genAiFinishReasons]: [meta.finishReason ?? response.stopReason],
        [ATTR.genAiResponseModel]: meta.model ?? model.model,
        ...(meta.id === undefined ? {} : { [ATTR.genAiResponseId]: meta.id }),
        [ATTR.costUsd]: costUsd,
        [ATTR.costUsdLangfuse]: costUsd,
      });
      if (capturingContent()) span.setAttribute(ATTR.genAiOutputMessages, contentAttribute(outputMessages(response)));
      return outcome.value;
    },
  );
}
