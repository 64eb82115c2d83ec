// The OpenAI provider through the real openai SDK against a local fake of the Chat Completions API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createOpenAIProvider,
  ModelError,
  type ChatMessage,
  type ModelRequest,
  type ToolSpec,
} from "@switchyard/models";
import { startFakeOpenAI, type FakeOpenAI } from "../fixtures/fake-model-servers/index.ts";

const SYSTEM = "You are the triage agent. Reply with a tool call.";
const TOOLS: ToolSpec[] = [
  {
    name: "classify",
    description: "Record the ticket's category.",
    inputSchema: { type: "object", properties: { category: { type: "string" } }, required: ["category"] },
  },
];

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: "gpt-test-1",
    system: SYSTEM,
    messages: [{ role: "user", content: "My invoice is wrong." }],
    tools: TOOLS,
    maxOutputTokens: 512,
    toolChoice: "required",
    signal: new AbortController().signal,
    ...overrides,
  };
}

/** The ModelError a call failed with (fails the test if it succeeded or threw something else). */
async function failure(promise: Promise<unknown>): Promise<ModelError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelError);
  return err as ModelError;
}

describe("openai provider", () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  const provider = (maxRetries = 2) => createOpenAIProvider({ apiKey: "sk-test", baseURL: fake.url, maxRetries });

  it("sends the system prompt as the one system message, the tools as functions, and parses tool calls", async () => {
    fake.enqueue({
      toolCalls: [{ id: "call_1", name: "classify", args: { category: "billing" } }],
      usage: { input: 321, output: 45 },
    });

    const res = await provider().complete(request());

    expect(res).toEqual({
      text: "",
      toolCalls: [{ id: "call_1", name: "classify", args: { category: "billing" }, rawArgs: '{"category":"billing"}' }],
      usage: { inputTokens: 321, outputTokens: 45 },
      stopReason: "tool_use",
      // What traces report as the response's id, model and finish reason (the provider's own word for it).
      meta: { id: "chatcmpl-fake-1", model: "gpt-test-1", finishReason: "tool_calls" },
    });
    expect(fake.requests).toHaveLength(1);
    const { body, headers } = fake.requests[0]!;
    expect(body.messages).toEqual([
      { role: "system", content: SYSTEM },
      { role: "user", content: "My invoice is wrong." },
    ]);
    expect(body.messages.filter((m) => JSON.stringify(m).includes(SYSTEM))).toHaveLength(1);
    expect(body.model).toBe("gpt-test-1");
    expect(body.max_completion_tokens).toBe(512);
    expect(body.tools).toEqual([
      {
        type: "function",
        function: { name: "classify", description: "Record the ticket's category.", parameters: TOOLS[0]!.inputSchema },
      },
    ]);
    expect(body.tool_choice).toBe("required");
    expect(headers["authorization"]).toBe("Bearer sk-test");
  });

  it("sends an assistant turn with tool_calls and one role-tool message per result, tied to the call ids", async () => {
    fake.enqueue({ text: "Filed as billing.", stop: "end_turn" });
    const messages: ChatMessage[] = [
      { role: "user", content: "My invoice is wrong and I was charged twice." },
      {
        role: "assistant",
        text: "",
        toolCalls: [
          { id: "call_a", name: "lookup", args: { invoice: 7 }, rawArgs: '{"invoice":7}' },
          { id: "call_b", name: "refund", args: { amount: 40 }, rawArgs: '{"amount":40}' },
        ],
      },
      {
        role: "tool",
        results: [
          { toolCallId: "call_a", toolName: "lookup", content: '{"total":40}', isError: false },
          { toolCallId: "call_b", toolName: "refund", content: "refunds are closed today", isError: true },
        ],
      },
      { role: "assistant", text: "Anything else?", toolCalls: [] },
      { role: "user", content: "No." },
    ];

    const res = await provider().complete(request({ messages, toolChoice: "auto" }));

    expect(res).toMatchObject({ text: "Filed as billing.", toolCalls: [], stopReason: "end_turn" });
    const { body } = fake.requests[0]!;
    expect(body.tool_choice).toBe("auto");
    expect(body.messages).toEqual([
      { role: "system", content: SYSTEM },
      { role: "user", content: "My invoice is wrong and I was charged twice." },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_a", type: "function", function: { name: "lookup", arguments: '{"invoice":7}' } },
          { id: "call_b", type: "function", function: { name: "refund", arguments: '{"amount":40}' } },
        ],
      },
      { role: "tool", tool_call_id: "call_a", content: '{"total":40}' },
      { role: "tool", tool_call_id: "call_b", content: "ERROR: refunds are closed today" },
      { role: "assistant", content: "Anything else?" },
      { role: "user", content: "No." },
    ]);
  });

  it("keeps malformed tool-call arguments as rawArgs with args undefined instead of throwing", async () => {
    fake.enqueue({ toolCalls: [{ id: "call_x", name: "classify", args: null, rawArgs: '{"category": "bill' }] });
    const res = await provider().complete(request());
    expect(res.toolCalls).toEqual([{ id: "call_x", name: "classify", args: undefined, rawArgs: '{"category": "bill' }]);
  });

  it("reports the API's usage, which follows the size of the context; maps length to max_tokens", async () => {
    fake.enqueue({ text: "short" }, { text: "long", stop: "max_tokens" });
    const short = await provider().complete(request());
    const long = await provider().complete(
      request({ messages: [{ role: "user", content: "My invoice is wrong. ".repeat(50) }] }),
    );
    expect(short.usage.outputTokens).toBe(20);
    expect(long.usage.inputTokens).toBeGreaterThan(short.usage.inputTokens + 200);
    expect(long.stopReason).toBe("max_tokens");
  });

  it("talks to an OpenAI-compatible server under its own name, with max_tokens and no tools when there are none", async () => {
    fake.enqueue({ text: "hi" });
    const vllm = createOpenAIProvider({ name: "openai-compatible:vllm", apiKey: "dummy", baseURL: fake.url });
    const res = await vllm.complete(request({ tools: [], toolChoice: "auto" }));
    expect(vllm.name).toBe("openai-compatible:vllm");
    expect(res.text).toBe("hi");
    const { body } = fake.requests[0]!;
    expect(body.max_tokens).toBe(512);
    expect(body.max_completion_tokens).toBeUndefined();
    expect(body.tools).toBeUndefined();
    expect(body.tool_choice).toBeUndefined();
  });

  it("retries a 429 (the SDK's own retry) and returns the success", async () => {
    fake.enqueue({ error: { status: 429, message: "Rate limit reached for requests" } }, { text: "ok" });
    const res = await provider().complete(request());
    expect(res.text).toBe("ok");
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.headers["x-stainless-retry-count"]).toBe("1");
  });

  it("fails with kind server after the retries of a persistent 500, naming provider, status and API message", async () => {
    fake.enqueue(...Array.from({ length: 3 }, () => ({ error: { status: 500, message: "The server had an error" } })));
    const err = await failure(provider(2).complete(request()));
    expect(err).toMatchObject({ kind: "server", status: 500 });
    expect(err.message).toMatch(/openai.*500.*The server had an error/);
    expect(fake.requests).toHaveLength(3);
  });

  it("fails with kind auth on a 401, without retrying", async () => {
    fake.enqueue({ error: { status: 401, message: "Incorrect API key provided" } });
    const err = await failure(provider().complete(request()));
    expect(err).toMatchObject({ kind: "auth", status: 401 });
    expect(err.message).toMatch(/openai.*401.*Incorrect API key provided/);
    expect(fake.requests).toHaveLength(1);
  });

  it("fails with kind bad_request on another 4xx", async () => {
    fake.enqueue({ error: { status: 404, message: "The model `gpt-test-1` does not exist" } });
    const err = await failure(provider().complete(request()));
    expect(err).toMatchObject({ kind: "bad_request", status: 404 });
  });

  it("stops at once when the signal aborts during a slow response", async () => {
    fake.enqueue({ delayMs: 5_000, then: { text: "too late" } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("deadline")), 50);
    const started = Date.now();
    const err = await failure(provider(2).complete(request({ signal: controller.signal })));
    expect(err.kind).toBe("aborted");
    expect(err.message).toContain("deadline");
    expect(Date.now() - started).toBeLessThan(1_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.requests).toHaveLength(1); // no retry after the abort
  });

  it("stops at once when the signal aborts while the SDK waits to retry", async () => {
    fake.enqueue({ error: { status: 503, message: "busy", retryAfterMs: 5_000 } }, { text: "too late" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const err = await failure(provider(2).complete(request({ signal: controller.signal })));
    expect(err.kind).toBe("aborted");
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(fake.requests).toHaveLength(1);
  });

  it("fails with kind invalid_response on a 200 it cannot understand", async () => {
    fake.enqueue(
      { raw: { body: '{"id":"x","object":"chat.completion","choices":[]}' } },
      { raw: { body: "{not json" } },
    );
    expect((await failure(provider().complete(request()))).kind).toBe("invalid_response");
    expect((await failure(provider().complete(request()))).kind).toBe("invalid_response");
  });

  it("fails at creation with kind auth when it has no API key at all", () => {
    const saved = process.env["OPENAI_API_KEY"];
    delete process.env["OPENAI_API_KEY"];
    try {
      expect(() => createOpenAIProvider({ baseURL: fake.url })).toThrow(
        expect.objectContaining({ name: "ModelError", kind: "auth" }),
      );
    } finally {
      if (saved !== undefined) process.env["OPENAI_API_KEY"] = saved;
    }
  });

  it("fails with kind network when nothing listens", async () => {
    const gone = await startFakeOpenAI();
    await gone.close();
    const dead = createOpenAIProvider({ apiKey: "k", baseURL: gone.url, maxRetries: 0 });
    const err = await failure(dead.complete(request()));
    expect(err.kind).toBe("network");
    expect(err.message).toContain("openai");
  });
});
