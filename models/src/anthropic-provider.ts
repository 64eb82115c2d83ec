import Anthropic, { AnthropicError, APIConnectionError, APIError, APIUserAbortError } from "@anthropic-ai/sdk";
import type {
  ContentBlockParam,
  MessageCreateParamsNonStreaming,
  MessageParam,
  Tool,
} from "@anthropic-ai/sdk/resources/messages";
import { invalidResponse, toModelError, type SdkErrorClasses } from "./sdk-error.ts";
import type {
  ChatMessage,
  ModelProvider,
  ModelRequest,
  ModelResponse,
  StopReason,
  ToolCall,
  ToolSpec,
} from "./types.ts";
import { isRecord, stringOrUndefined } from "./reply-fields.ts";

/** Options of {@link createAnthropicProvider}. */
export type AnthropicProviderOptions = {
  /** Default: the SDK's own lookup (`ANTHROPIC_API_KEY`, …). */
  apiKey?: string;
  /** Origin of the API, e.g. a proxy or a test server. Default `https://api.anthropic.com`. */
  baseURL?: string;
  /** Retries of 408/409/429/5xx and connection errors, with the SDK's backoff (honours `retry-after`). Default 2. */
  maxRetries?: number;
  defaultHeaders?: Record<string, string>;
};

const NAME = "anthropic";
const SDK_ERRORS: SdkErrorClasses = { SdkError: AnthropicError, APIError, APIUserAbortError, APIConnectionError };

/** A {@link ModelProvider} on the Anthropic Messages API (non-streaming, with tools). */
export function createAnthropicProvider(opts: AnthropicProviderOptions = {}): ModelProvider {
  const client = new Anthropic({
    apiKey: opts.apiKey,
    baseURL: opts.baseURL,
    maxRetries: opts.maxRetries ?? 2,
    defaultHeaders: opts.defaultHeaders,
  });
  return {
    name: NAME,
    async complete(request: ModelRequest): Promise<ModelResponse> {
      try {
        // The signal goes to the request options: the SDK then aborts the fetch and skips any remaining retry.
        const message: unknown = await client.messages.create(toParams(request), { signal: request.signal });
        return fromMessage(message);
      } catch (err) {
        throw toModelError(NAME, err, request.signal, SDK_ERRORS);
      }
    },
  };
}

function toParams(request: ModelRequest): MessageCreateParamsNonStreaming {
  const params: MessageCreateParamsNonStreaming = {
    model: request.model,
    max_tokens: request.maxOutputTokens,
    messages: request.messages.map(toMessageParam),
  };
  // The system prompt travels only here, never inside a user turn.
  if (request.system !== "") params.system = request.system;
  if (request.tools.length > 0) {
    params.tools = request.tools.map(toTool);
    params.tool_choice = request.toolChoice === "required" ? { type: "any" } : { type: "auto" };
  }
  return params;
}

function toTool(tool: ToolSpec): Tool {
  // The API requires an object schema at the top; a tool's input always is one.
  return { name: tool.name, description: tool.description, input_schema: { ...tool.inputSchema, type: "object" } };
}

function toMessageParam(message: ChatMessage): MessageParam {
  switch (message.role) {
    case "user":
      return { role: "user", content: message.content };
    case "assistant": {
      const content: ContentBlockParam[] = [];
      if (message.text !== "") content.push({ type: "text", text: message.text });
      for (const call of message.toolCalls) {
        content.push({ type: "tool_use", id: call.id, name: call.name, input: call.args ?? {} });
      }
      return { role: "assistant", content };
    }
    case "tool":
      // All results of one assistant turn go back in a single user turn, each tied to its tool_use id.
      return {
        role: "user",
        content: message.results.map((r) => ({
          type: "tool_result",
          tool_use_id: r.toolCallId,
          content: r.content,
          is_error: r.isError,
        })),
      };
  }
}

/** Reads the response defensively: a proxy or a compatible server may send anything with a 200. */
function fromMessage(message: unknown): ModelResponse {
  if (!isRecord(message) || !Array.isArray(message["content"])) {
    throw invalidResponse(NAME, "no content array");
  }
  const usage = message["usage"];
  if (!isRecord(usage) || typeof usage["input_tokens"] !== "number" || typeof usage["output_tokens"] !== "number") {
    throw invalidResponse(NAME, "no usage");
  }
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of message["content"] as unknown[]) {
    if (!isRecord(block)) throw invalidResponse(NAME, "a content block is not an object");
    if (block["type"] === "text" && typeof block["text"] === "string") texts.push(block["text"]);
    if (block["type"] === "tool_use") {
      if (typeof block["id"] !== "string" || typeof block["name"] !== "string") {
        throw invalidResponse(NAME, "a tool_use block has no id or name");
      }
      const input: unknown = block["input"] ?? {};
      toolCalls.push({ id: block["id"], name: block["name"], args: input, rawArgs: JSON.stringify(input) });
    }
  }
  return {
    text: texts.join(""),
    toolCalls,
    usage: { inputTokens: usage["input_tokens"], outputTokens: usage["output_tokens"] },
    stopReason: toStopReason(message["stop_reason"]),
    meta: {
      id: stringOrUndefined(message["id"]),
      model: stringOrUndefined(message["model"]),
      finishReason: stringOrUndefined(message["stop_reason"]),
    },
  };
}

function toStopReason(reason: unknown): StopReason {
  return reason === "end_turn" || reason === "tool_use" || reason === "max_tokens" ? reason : "other";
}
