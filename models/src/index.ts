export { createAnthropicProvider } from "./anthropic-provider.ts";
export { genAiProviderName, withChatSpan } from "./chat-span.ts";
export { inputMessages, outputMessages, systemInstructions } from "./gen-ai-messages.ts";
export { ModelError, ModelsError } from "./errors.ts";
export { createOpenAIProvider } from "./openai-provider.ts";
export { costOf, modelPrice, registerModelPrices } from "./prices.ts";
export { modelFromEnv, resolveModel } from "./resolve-model.ts";
export { scriptFromRecordedRuns } from "./recorded-script.ts";
export { createScriptedProvider, estimateTokens, findScript, registerScript } from "./scripted-provider.ts";
export { invalidResponse, kindForStatus, toModelError } from "./sdk-error.ts";
export type { AnthropicProviderOptions } from "./anthropic-provider.ts";
export type { ChatSpanOptions, ChatSpanOutcome } from "./chat-span.ts";
export type { GenAiMessage } from "./gen-ai-messages.ts";
export type { ModelsErrorCode } from "./errors.ts";
export type { OpenAIProviderOptions } from "./openai-provider.ts";
export type { ModelPrice } from "./prices.ts";
export type { ModelChoice, ResolvedModel } from "./resolve-model.ts";
export type { Script, ScriptContext, ScriptedReply } from "./scripted-provider.ts";
export type { SdkErrorClasses } from "./sdk-error.ts";
export type {
  ChatMessage,
  ModelErrorKind,
  ModelProvider,
  ModelRequest,
  ModelResponse,
  StopReason,
  ToolCall,
  ToolResultContent,
  ToolSpec,
} from "./types.ts";
