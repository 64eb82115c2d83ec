export { DEFAULT_AGENT_BUDGET, DEFAULT_LLM_BUDGET, defineAgent } from "./define-agent.ts";
export { defineTool, RESERVED_TOOL_NAMES } from "./define-tool.ts";
export { createEffectsLedger, createMemoryEffectsLedger } from "./effects-ledger.ts";
export { AgentKitError, ModelError } from "./errors.ts";
export { DEFAULT_LOOP_OPTIONS } from "./loop/loop-options.ts";
export { runLlmAgent } from "./loop/run-llm-agent.ts";
export { effectKey } from "./loop/tool-executor.ts";
export { createAnthropicProvider } from "./model/anthropic-provider.ts";
export { createOpenAIProvider } from "./model/openai-provider.ts";
export { costOf, modelPrice, registerModelPrices } from "./model/prices.ts";
export { modelFromEnv, resolveModel } from "./model/resolve-model.ts";
export { createScriptedProvider, estimateTokens, findScript, registerScript } from "./model/scripted-provider.ts";
export { effectiveBudget, runSubtask } from "./run-subtask.ts";
export { runAgent } from "./run-agent.ts";
export { serveAgent } from "./serve-agent.ts";
export { createSubtaskLedger } from "./subtask-ledger.ts";
export type {
  AgentDefinition,
  HandlerAgentDefinition,
  HandlerAgentSpec,
  HandlerContext,
  LlmAgentDefinition,
  LlmAgentSpec,
} from "./define-agent.ts";
export type { ConfirmDecision, ToolContext, ToolDefinition, ToolSpec as ToolDefinitionSpec } from "./define-tool.ts";
export type { EffectsLedger } from "./effects-ledger.ts";
export type { AgentKitErrorCode } from "./errors.ts";
export type { LoopOptions } from "./loop/loop-options.ts";
export type { LlmRunOutcome, RunLlmAgentOptions, RunServices } from "./loop/run-llm-agent.ts";
export type { ModelPrice } from "./model/prices.ts";
export type { ModelChoice, ResolvedModel } from "./model/resolve-model.ts";
export type { Script, ScriptContext, ScriptedReply } from "./model/scripted-provider.ts";
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
} from "./model/types.ts";
export type { RunSubtaskOptions } from "./run-subtask.ts";
export type { ServeAgentOptions, ServedAgent } from "./serve-agent.ts";
export type { SubtaskLedger } from "./subtask-ledger.ts";
