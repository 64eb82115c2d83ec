import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { initTelemetry, type Telemetry } from "@switchyard/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { genAiProviderName, withChatSpan } from "./chat-span.ts";
import { ModelError } from "./errors.ts";
import type { ResolvedModel } from "./resolve-model.ts";
import { createScriptedProvider } from "./scripted-provider.ts";
import type { ModelRequest } from "./types.ts";

const exporter = new InMemorySpanExporter();
let telemetry: Telemetry;
beforeAll(() => {
  telemetry = initTelemetry({ service: "test", spanProcessors: [new SimpleSpanProcessor(exporter)], env: {} });
});
afterAll(() => telemetry.shutdown());

const request: ModelRequest = {
  model: "m",
  system: "be brief",
  messages: [{ role: "user", content: "hi" }],
  tools: [],
  toolChoice: "auto",
  maxOutputTokens: 100,
  signal: new AbortController().signal,
};
const modelWith = (reply: () => never | { text: string }): ResolvedModel => ({
  modelString: "scripted:m",
  model: "m",
  price: { inputPerMTok: 1, outputPerMTok: 1 },
  provider: createScriptedProvider("m", { reply }),
});
const call = (model: ResolvedModel) =>
  withChatSpan({ model, request, goal: { goalId: "g-1", user: "ana" } }, async () => {
    const response = await model.provider.complete(request);
    return { value: response, response, costUsd: 0.5 };
  });
const lastSpan = () => exporter.getFinishedSpans().at(-1);

describe("a model call's span", () => {
  it("is a CLIENT span with the request, the response and the goal, in GenAI attribute names", async () => {
    await call(modelWith(() => ({ text: "hello" })));
    const span = lastSpan();
    expect(span?.name).toBe("chat m");
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "switchyard.scripted",
      "gen_ai.request.model": "m",
      "gen_ai.request.max_tokens": 100,
      "gen_ai.response.model": "m",
      "gen_ai.response.finish_reasons": ["end_turn"],
      "gen_ai.conversation.id": "g-1",
      "user.id": "ana",
      "gen_ai.usage.cost": 0.5,
    });
    // Content capture is off by default.
    expect(span?.attributes["gen_ai.input.messages"]).toBeUndefined();
  });

  it("says how a failed call failed: error.type is the model error's kind, and the status is ERROR", async () => {
    await expect(
      call(
        modelWith(() => {
          throw new ModelError("rate_limited", "429 from the provider");
        }),
      ),
    ).rejects.toThrow(/429/);
    const span = lastSpan();
    expect(span?.attributes["error.type"]).toBe("rate_limited");
    expect(span?.status).toMatchObject({ code: SpanStatusCode.ERROR, message: expect.stringContaining("429") });
  });
});

describe("gen_ai.provider.name", () => {
  it("is the well-known name for Anthropic and OpenAI, and a compatible server's own name", () => {
    expect(genAiProviderName("anthropic")).toBe("anthropic");
    expect(genAiProviderName("openai")).toBe("openai");
    expect(genAiProviderName("openai-compatible:vllm")).toBe("vllm");
    expect(genAiProviderName("scripted:support-classifier")).toBe("switchyard.scripted");
  });
});
