export { DEFAULT_AGENT_BUDGET, DEFAULT_LLM_BUDGET, defineAgent } from "./define-agent.ts";
export { defineTool, RESERVED_TOOL_NAMES } from "./define-tool.ts";
export { createEffectsLedger, createMemoryEffectsLedger } from "./effects-ledger.ts";
export { AgentKitError } from "./errors.ts";
export { BudgetLimitReached } from "./handler-usage.ts";
export { DEFAULT_LOOP_OPTIONS } from "./loop/loop-options.ts";
export { runLlmAgent } from "./loop/run-llm-agent.ts";
export { effectKey } from "./loop/tool-executor.ts";
export { connectMcpTools } from "./mcp/connect-mcp-tools.ts";
export { DEFAULT_MCP_CALL_TIMEOUT_MS, DEFAULT_MCP_CONNECT_TIMEOUT_MS } from "./mcp/mcp-options.ts";
export { MCP_IDEMPOTENCY_META_KEY } from "./mcp/mcp-tool.ts";
export { runAgentWithMcp } from "./mcp/run-agent-with-mcp.ts";
export { effectiveBudget, runSubtask } from "./run-subtask.ts";
export { kvResponseCache, responseCacheKey, withResponseCache } from "./model/response-cache.ts";
export { replayRecordedRun } from "./recorded-run.ts";
export { runAgent } from "./run-agent.ts";
export type { RunAgentOptions } from "./run-agent.ts";
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
export type { HandlerUsage } from "./handler-usage.ts";
export type { LimitStatus, UsageAmounts } from "./loop/budget-meter.ts";
export type { AgentKitErrorCode } from "./errors.ts";
export type { LoopOptions } from "./loop/loop-options.ts";
export type { ResponseCacheOptions, ResponseCacheStore } from "./model/response-cache.ts";
export type { LlmRunOutcome, RunLlmAgentOptions, RunServices } from "./loop/run-llm-agent.ts";
export type { McpToolset } from "./mcp/connect-mcp-tools.ts";
export type { McpToolsOptions } from "./mcp/mcp-options.ts";
export type { McpToolOutput } from "./mcp/mcp-result.ts";
export type { ReplayReport } from "./recorded-run.ts";
export type { RunSubtaskOptions } from "./run-subtask.ts";
export type { ServeAgentOptions, ServedAgent } from "./serve-agent.ts";
export type { SubtaskLedger } from "./subtask-ledger.ts";
// The model layer lives in @switchyard/models (shared with the coordinator's planner); re-exported so specialist
// authors need one import.
export {
  costOf,
  createAnthropicProvider,
  createOpenAIProvider,
  createScriptedProvider,
  estimateTokens,
  findScript,
  ModelError,
  ModelsError,
  modelFromEnv,
  modelPrice,
  registerModelPrices,
  registerScript,
  resolveModel,
  scriptFromRecordedRuns,
} from "@switchyard/models";
export type {
  ChatMessage,
  ModelChoice,
  ModelErrorKind,
  ModelPrice,
  ModelProvider,
  ModelRequest,
  ModelResponse,
  ModelsErrorCode,
  ResolvedModel,
  Script,
  ScriptContext,
  ScriptedReply,
  StopReason,
  ToolCall,
  ToolResultContent,
  ToolSpec,
} from "@switchyard/models";
