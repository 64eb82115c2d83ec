import type { JsonSchemaDocument } from "@switchyard/contracts";

// The one small interface every model provider implements. The agent loop speaks only this; providers translate it
// to a wire protocol (Anthropic Messages, OpenAI Chat Completions) or replay a fixture (scripted).

/** A tool the model may call, described by the JSON Schema of its input. */
export type ToolSpec = { name: string; description: string; inputSchema: JsonSchemaDocument };

/** A tool call the model made. `args` is the parsed JSON, or `undefined` when `rawArgs` was not valid JSON. */
export type ToolCall = { id: string; name: string; args: unknown; rawArgs: string };

/** The result of one tool call, sent back to the model as tool-result content (never as instructions). */
export type ToolResultContent = { toolCallId: string; toolName: string; content: string; isError: boolean };

/** A conversation turn. The system prompt is not a message: it travels in {@link ModelRequest.system} only. */
export type ChatMessage =
  | { role: "user"; content: string }
  | { role: "assistant"; text: string; toolCalls: ToolCall[] }
  /** Results for every tool call of the preceding assistant turn, in order. */
  | { role: "tool"; results: ToolResultContent[] };

/** One model call. */
export type ModelRequest = {
  /** Provider-specific model id, e.g. `claude-sonnet-4-5`, `gpt-4.1`. */
  model: string;
  /** The agent's instructions and nothing else. */
  system: string;
  messages: ChatMessage[];
  tools: ToolSpec[];
  maxOutputTokens: number;
  /** `required`: the model must call a tool (the loop uses it so every turn ends in a tool call). */
  toolChoice: "auto" | "required";
  /** Aborts the call, including the SDK's own retries, at the run's deadline or on cancellation. */
  signal: AbortSignal;
};

/** Why a model turn ended. */
export type StopReason = "end_turn" | "tool_use" | "max_tokens" | "other";

/** What one model call returned, with the real token counts the provider reported. */
export type ModelResponse = {
  text: string;
  toolCalls: ToolCall[];
  usage: { inputTokens: number; outputTokens: number };
  stopReason: StopReason;
  /** Served from the agent's response cache: the model was not called, nothing was spent. */
  cached?: boolean;
  /** What the provider said about the reply, for traces: its id, the model that answered, its own finish reason. */
  meta?: { id?: string; model?: string; finishReason?: string };
};

/** A model API behind one method. */
export type ModelProvider = {
  /** e.g. `anthropic`, `openai`, `openai-compatible:vllm`, `scripted:support-classifier`. */
  readonly name: string;
  complete(request: ModelRequest): Promise<ModelResponse>;
};

/** How a model call failed: `rate_limited` and `server` were retried by the SDK until the deadline. */
export type ModelErrorKind =
  "rate_limited" | "server" | "bad_request" | "auth" | "aborted" | "invalid_response" | "network";
