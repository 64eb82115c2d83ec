import OpenAI, { APIConnectionError, APIError, APIUserAbortError, OpenAIError } from "openai";
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from "openai/resources/chat/completions";
import { ModelError } from "./errors.ts";
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

/** Options of {@link createOpenAIProvider}. */
export type OpenAIProviderOptions = {
  /** Default `openai`; name a compatible server after it, e.g. `openai-compatible:vllm`. */
  name?: string;
  /**
   * Default: `OPENAI_API_KEY`. A compatible server without auth (vLLM, llama.cpp, Ollama) takes any dummy value, but
   * the SDK insists on one.
   */
  apiKey?: string;
  /** Up to and including `/v1`, e.g. `http://localhost:8000/v1`. Default `https://api.openai.com/v1`. */
  baseURL?: string;
  /** Retries of 408/409/429/5xx and connection errors, with the SDK's backoff (honours `retry-after`). Default 2. */
  maxRetries?: number;
};

const SDK_ERRORS: SdkErrorClasses = { SdkError: OpenAIError, APIError, APIUserAbortError, APIConnectionError };

/** A {@link ModelProvider} on the Chat Completions API of OpenAI or of an OpenAI-compatible server. */
export function createOpenAIProvider(opts: OpenAIProviderOptions = {}): ModelProvider {
  const name = opts.name ?? "openai";
  let client: OpenAI;
  try {
    client = new OpenAI({ apiKey: opts.apiKey, baseURL: opts.baseURL, maxRetries: opts.maxRetries ?? 2 });
  } catch (err) {
    // The SDK throws at construction when it finds no key: fail at startup, not at the first model call.
    throw new ModelError("auth", `${name}: cannot create the client: ${String(err)}`, { cause: err });
  }
  return {
    name,
    async complete(request: ModelRequest): Promise<ModelResponse> {
      try {
        // The signal goes to the request options: the SDK then aborts the fetch and skips any remaining retry.
        const completion: unknown = await client.chat.completions.create(toParams(name, request), {
          signal: request.signal,
        });
        return fromCompletion(name, completion);
      } catch (err) {
        throw toModelError(name, err, request.signal, SDK_ERRORS);
      }
    },
  };
}

function toParams(name: string, request: ModelRequest): ChatCompletionCreateParamsNonStreaming {
  const messages: ChatCompletionMessageParam[] = [];
  // The system prompt is the one system message, first; it never goes into a user turn.
  if (request.system !== "") messages.push({ role: "system", content: request.system });
  for (const message of request.messages) messages.push(...toMessageParams(message));
  const params: ChatCompletionCreateParamsNonStreaming = { model: request.model, messages };
  // OpenAI deprecated `max_tokens` (its reasoning models reject it); compatible servers know `max_tokens` best.
  if (name === "openai") params.max_completion_tokens = request.maxOutputTokens;
  else params.max_tokens = request.maxOutputTokens;
  if (request.tools.length > 0) {
    params.tools = request.tools.map(toTool);
    params.tool_choice = request.toolChoice;
  }
  return params;
}

function toTool(tool: ToolSpec): ChatCompletionTool {
  return {
    type: "function",
    function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
  };
}

function toMessageParams(message: ChatMessage): ChatCompletionMessageParam[] {
  switch (message.role) {
    case "user":
      return [{ role: "user", content: message.content }];
    case "assistant": {
      const param: ChatCompletionMessageParam = {
        role: "assistant",
        content: message.text === "" ? null : message.text,
      };
      // Some compatible servers reject an empty tool_calls array.
      if (message.toolCalls.length > 0) {
        param.tool_calls = message.toolCalls.map((c) => ({
          id: c.id,
          type: "function",
          function: { name: c.name, arguments: c.rawArgs },
        }));
      }
      return [param];
    }
    case "tool":
      // The wire has no error flag on a tool message, so the content says it.
      return message.results.map((r) => ({
        role: "tool",
        tool_call_id: r.toolCallId,
        content: r.isError ? `ERROR: ${r.content}` : r.content,
      }));
  }
}

/** Reads the response defensively: compatible servers differ in what they omit. */
function fromCompletion(name: string, completion: unknown): ModelResponse {
  if (!isRecord(completion) || !Array.isArray(completion["choices"])) throw invalidResponse(name, "no choices array");
  const choice: unknown = completion["choices"][0];
  if (!isRecord(choice) || !isRecord(choice["message"])) throw invalidResponse(name, "no choices[0].message");
  const message = choice["message"];
  const usage = completion["usage"];
  // Budgets run on real token counts: a reply without them is not usable.
  if (
    !isRecord(usage) ||
    typeof usage["prompt_tokens"] !== "number" ||
    typeof usage["completion_tokens"] !== "number"
  ) {
    throw invalidResponse(name, "no usage");
  }
  const content = message["content"];
  if (content !== null && content !== undefined && typeof content !== "string") {
    throw invalidResponse(name, "message content is not a string");
  }
  const rawCalls = message["tool_calls"] ?? [];
  if (!Array.isArray(rawCalls)) throw invalidResponse(name, "tool_calls is not an array");
  const toolCalls = rawCalls.map((c: unknown) => toToolCall(name, c));
  return {
    text: content ?? "",
    toolCalls,
    usage: { inputTokens: usage["prompt_tokens"], outputTokens: usage["completion_tokens"] },
    stopReason: toStopReason(choice["finish_reason"], toolCalls.length > 0),
    meta: {
      id: stringOrUndefined(completion["id"]),
      model: stringOrUndefined(completion["model"]),
      finishReason: stringOrUndefined(choice["finish_reason"]),
    },
  };
}

function toToolCall(name: string, call: unknown): ToolCall {
  const fn = isRecord(call) ? call["function"] : undefined;
  if (!isRecord(call) || typeof call["id"] !== "string" || !isRecord(fn) || typeof fn["name"] !== "string") {
    throw invalidResponse(name, "a tool call has no id or function name");
  }
  const rawArgs = typeof fn["arguments"] === "string" ? fn["arguments"] : "";
  return { id: call["id"], name: fn["name"], args: parseArgs(rawArgs), rawArgs };
}

/** Models do emit malformed arguments; the caller decides what to do with `rawArgs`, so this never throws. */
function parseArgs(rawArgs: string): unknown {
  try {
    return JSON.parse(rawArgs) as unknown;
  } catch {
    return undefined;
  }
}

function toStopReason(reason: unknown, hasToolCalls: boolean): StopReason {
  if (reason === "tool_calls") return "tool_use";
  if (reason === "length") return "max_tokens";
  // Some compatible servers (Ollama) say `stop` for a turn that called tools.
  if (reason === "stop") return hasToolCalls ? "tool_use" : "end_turn";
  return "other";
}
