import type { ChatMessage, ModelRequest, ModelResponse, ToolCall } from "./types.ts";

// Model calls in the shape of the GenAI semantic conventions' `gen_ai.input.messages`, `gen_ai.output.messages` and
// `gen_ai.system_instructions`: messages of typed parts, which Langfuse and other backends render as a conversation.

type Part =
  | { type: "text"; content: string }
  | { type: "tool_call"; id: string; name: string; arguments: unknown }
  | { type: "tool_call_response"; id: string; response: string };

export type GenAiMessage = { role: "user" | "assistant" | "tool"; parts: Part[]; finish_reason?: string };

const toolCallPart = (c: ToolCall): Part => ({
  type: "tool_call",
  id: c.id,
  name: c.name,
  arguments: c.args ?? c.rawArgs,
});

function assistantParts(text: string, toolCalls: ToolCall[]): Part[] {
  return [...(text === "" ? [] : [{ type: "text" as const, content: text }]), ...toolCalls.map(toolCallPart)];
}

function toGenAiMessage(m: ChatMessage): GenAiMessage {
  switch (m.role) {
    case "user":
      return { role: "user", parts: [{ type: "text", content: m.content }] };
    case "assistant":
      return { role: "assistant", parts: assistantParts(m.text, m.toolCalls) };
    case "tool":
      return {
        role: "tool",
        parts: m.results.map((r) => ({ type: "tool_call_response", id: r.toolCallId, response: r.content })),
      };
  }
}

/** The conversation sent to the model (without the system prompt, which has its own attribute). */
export function inputMessages(request: Pick<ModelRequest, "messages">): GenAiMessage[] {
  return request.messages.map(toGenAiMessage);
}

/** The system prompt as `gen_ai.system_instructions` parts. */
export function systemInstructions(request: Pick<ModelRequest, "system">): Part[] {
  return [{ type: "text", content: request.system }];
}

/** The model's reply, with the provider's own finish reason when it gave one. */
export function outputMessages(response: ModelResponse): GenAiMessage[] {
  return [
    {
      role: "assistant",
      parts: assistantParts(response.text, response.toolCalls),
      finish_reason: response.meta?.finishReason ?? response.stopReason,
    },
  ];
}
