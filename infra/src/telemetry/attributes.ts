// Every span and attribute name in one place: the GenAI semantic conventions are still changing, so a rename is a
// one-line change here. Names follow OpenTelemetry's gen_ai.* and messaging.* conventions; sy.* are our own.

/** Span names. */
export const SPAN = {
  invokeAgent: (agent: string) => `invoke_agent ${agent}`,
  chat: (model: string) => `chat ${model}`,
  executeTool: (tool: string) => `execute_tool ${tool}`,
  plan: (plan: string) => `plan ${plan}`,
  publish: (subject: string) => `publish ${subject}`,
  process: (subject: string) => `process ${subject}`,
} as const;

/** Attribute keys. */
export const ATTR = {
  genAiOperation: "gen_ai.operation.name",
  genAiProvider: "gen_ai.provider.name",
  genAiAgentName: "gen_ai.agent.name",
  genAiRequestModel: "gen_ai.request.model",
  genAiInputTokens: "gen_ai.usage.input_tokens",
  genAiOutputTokens: "gen_ai.usage.output_tokens",
  genAiToolName: "gen_ai.tool.name",
  genAiToolType: "gen_ai.tool.type",
  genAiToolCallId: "gen_ai.tool.call.id",
  messagingSystem: "messaging.system",
  messagingDestination: "messaging.destination.name",
  messagingOperation: "messaging.operation.type",
  messagingMessageId: "messaging.message.id",
  goalId: "sy.goal.id",
  subtaskId: "sy.subtask.id",
  tenant: "sy.tenant",
  user: "sy.user",
  plan: "sy.plan",
  status: "sy.status",
  failureKind: "sy.failure.kind",
  costUsd: "sy.cost_usd",
  // A model call served from the agent's response cache (no tokens, no cost).
  cached: "sy.cached",
  // A model call taken from the run's journal (a resumed run), not sent to the model again.
  replayed: "sy.replayed",
  toolKind: "sy.tool.kind",
  toolOutcome: "sy.tool.outcome",
  step: "sy.step",
} as const;

/** Values of `gen_ai.operation.name`. */
export const GEN_AI_OPERATION = { invokeAgent: "invoke_agent", chat: "chat", executeTool: "execute_tool" } as const;
