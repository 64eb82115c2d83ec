import { ModelError } from "./errors.ts";
import type { ModelPrice } from "./prices.ts";
import type { ChatMessage, ModelProvider, ModelRequest, ModelResponse, ToolCall } from "./types.ts";

/** What a script returns for one call: text and/or tool calls; usage is estimated from the request when omitted. */
export type ScriptedReply = {
  text?: string;
  toolCalls?: Array<{ name: string; args: unknown }>;
  usage?: { inputTokens: number; outputTokens: number };
};

/** What a script sees: the request, and how many assistant turns the conversation already has. */
export type ScriptContext = { request: ModelRequest; turn: number; lastMessage: ChatMessage | undefined };

/**
 * A deterministic model: a pure function of the request, so every replica and every redelivery gets the same
 * replies. Used for tests, evals and the offline demo.
 */
export type Script = {
  reply(ctx: ScriptContext): ScriptedReply | Promise<ScriptedReply>;
  /** Price to charge per million tokens (default free), so budget tests can exercise cost limits. */
  price?: ModelPrice;
};

const scripts = new Map<string, Script>();

/** Registers a script under a name; an agent then uses `model: "scripted:<name>"`. */
export function registerScript(name: string, script: Script): void {
  scripts.set(name, script);
}

/** The script registered under `name`, if any. */
export function findScript(name: string): Script | undefined {
  return scripts.get(name);
}

/** Rough token estimate (4 characters a token) for replies that state no usage. */
export function estimateTokens(value: unknown): number {
  return Math.ceil(JSON.stringify(value).length / 4);
}

/** A provider that replays `script`. */
export function createScriptedProvider(name: string, script: Script): ModelProvider {
  let callSeq = 0;
  return {
    name: `scripted:${name}`,
    async complete(request): Promise<ModelResponse> {
      const turn = request.messages.filter((m) => m.role === "assistant").length;
      // Like a real provider, a call stops when the run's signal aborts, even if the script is still thinking.
      const reply = await new Promise<ScriptedReply>((resolve, reject) => {
        const onAbort = () => reject(new ModelError("aborted", `scripted:${name}: call aborted`));
        if (request.signal.aborted) return onAbort();
        request.signal.addEventListener("abort", onAbort, { once: true });
        Promise.resolve(script.reply({ request, turn, lastMessage: request.messages.at(-1) })).then(
          (r) => {
            request.signal.removeEventListener("abort", onAbort);
            resolve(r);
          },
          (err: unknown) => {
            request.signal.removeEventListener("abort", onAbort);
            reject(err instanceof Error ? err : new Error(String(err)));
          },
        );
      });
      const toolCalls: ToolCall[] = (reply.toolCalls ?? []).map((c) => ({
        id: `call_${++callSeq}`,
        name: c.name,
        args: c.args,
        rawArgs: JSON.stringify(c.args) ?? "",
      }));
      return {
        text: reply.text ?? "",
        toolCalls,
        usage: reply.usage ?? {
          inputTokens: estimateTokens({ system: request.system, messages: request.messages, tools: request.tools }),
          outputTokens: estimateTokens(reply),
        },
        stopReason: toolCalls.length > 0 ? "tool_use" : "end_turn",
        meta: {
          id: `scripted_${callSeq}`,
          model: request.model,
          finishReason: toolCalls.length > 0 ? "tool_use" : "end_turn",
        },
      };
    },
  };
}
