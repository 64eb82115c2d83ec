// Every span and attribute name in one place: the GenAI semantic conventions are still changing, so a rename is a
// one-line change here. Names follow OpenTelemetry's gen_ai.* and messaging.* conventions; sy.* are our own, and a
// few keys are the ones Langfuse and LangSmith read (they map them to users, sessions and cost).

/** Span names. Messaging spans name the subject's template, never a goal id: span names must stay low-cardinality. */
export const SPAN = {
  invokeAgent: (agent: string) => `invoke_agent ${agent}`,
  chat: (model: string) => `chat ${model}`,
  executeTool: (tool: string) => `execute_tool ${tool}`,
  plan: (plan: string) => `plan ${plan}`,
  publish: (subject: string, goalId?: string) => `publish ${subjectTemplate(subject, goalId)}`,
  process: (subject: string, goalId?: string) => `process ${subjectTemplate(subject, goalId)}`,
} as const;

/** Attribute keys. */
export const ATTR = {
  genAiOperation: "gen_ai.operation.name",
  genAiProvider: "gen_ai.provider.name",
  /** The name `gen_ai.provider.name` had up to semantic conventions 1.36; see `semconv.ts`. */
  genAiSystemDeprecated: "gen_ai.system",
  genAiAgentName: "gen_ai.agent.name",
  genAiConversationId: "gen_ai.conversation.id",
  genAiRequestModel: "gen_ai.request.model",
  genAiRequestMaxTokens: "gen_ai.request.max_tokens",
  genAiResponseModel: "gen_ai.response.model",
  genAiResponseId: "gen_ai.response.id",
  genAiFinishReasons: "gen_ai.response.finish_reasons",
  genAiInputTokens: "gen_ai.usage.input_tokens",
  genAiOutputTokens: "gen_ai.usage.output_tokens",
  genAiInputMessages: "gen_ai.input.messages",
  genAiOutputMessages: "gen_ai.output.messages",
  genAiSystemInstructions: "gen_ai.system_instructions",
  genAiToolName: "gen_ai.tool.name",
  genAiToolType: "gen_ai.tool.type",
  genAiToolCallId: "gen_ai.tool.call.id",
  errorType: "error.type",
  messagingSystem: "messaging.system",
  messagingDestination: "messaging.destination.name",
  messagingDestinationTemplate: "messaging.destination.template",
  messagingOperation: "messaging.operation.type",
  messagingOperationName: "messaging.operation.name",
  messagingMessageId: "messaging.message.id",
  // Read by Langfuse (users, sessions) and by other backends that follow the general conventions.
  userId: "user.id",
  sessionId: "session.id",
  // The cost of a generation, under the key Langfuse reads.
  costUsdLangfuse: "gen_ai.usage.cost",
  // What LangSmith reads for the same.
  langsmithSession: "langsmith.trace.session_id",
  langsmithUser: "langsmith.metadata.user_id",
  goalId: "sy.goal.id",
  subtaskId: "sy.subtask.id",
  tenant: "sy.tenant",
  user: "sy.user",
  plan: "sy.plan",
  /** The model string as configured (`anthropic:claude-sonnet-4-5`), next to the provider's model id. */
  model: "sy.model",
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

/** `gen_ai.tool.type` of every Switchyard tool: the agent's own code runs it (no provider-side extension). */
export const GEN_AI_TOOL_TYPE = "function";

/**
 * A subject with its goal's token replaced by `{goal}`: `sy.goal.done.acme.{goal}`. What a messaging span is named
 * after and what `messaging.destination.template` says.
 */
export function subjectTemplate(subject: string, goalId?: string): string {
  if (goalId === undefined) return subject;
  return subject
    .split(".")
    .map((token) => (token === goalId ? "{goal}" : token))
    .join(".");
}

/** Who and what a span works for: the goal as the GenAI conversation and the Langfuse/LangSmith session. */
export type GoalAttribution = { goalId: string; tenant?: string; user?: string };

/** The attributes that tie a span to its goal, its tenant and the user who asked, in every backend's vocabulary. */
export function goalAttributes(goal: GoalAttribution): Record<string, string> {
  return {
    [ATTR.goalId]: goal.goalId,
    [ATTR.genAiConversationId]: goal.goalId,
    [ATTR.sessionId]: goal.goalId,
    [ATTR.langsmithSession]: goal.goalId,
    ...(goal.tenant === undefined ? {} : { [ATTR.tenant]: goal.tenant }),
    ...(goal.user === undefined
      ? {}
      : { [ATTR.user]: goal.user, [ATTR.userId]: goal.user, [ATTR.langsmithUser]: goal.user }),
  };
}
