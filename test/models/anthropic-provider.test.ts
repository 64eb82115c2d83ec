// The Anthropic provider through the real @anthropic-ai/sdk against a local fake of the Messages API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createAnthropicProvider,
  ModelError,
  type ChatMessage,
  type ModelRequest,
  type ToolSpec,
} from "@switchyard/models";
import { startFakeAnthropic, type FakeAnthropic } from "../fixtures/fake-model-servers/index.ts";

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
    model: "claude-test-1",
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

describe("anthropic provider", () => {
  let fake: FakeAnthropic;
  beforeAll(async () => {
    fake = await startFakeAnthropic();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  const provider = (maxRetries = 2) =>
    createAnthropicProvider({ apiKey: "sk-ant-test", baseURL: fake.url, maxRetries });

  it("sends the system prompt only in `system`, the tools as the API expects, and parses a tool_use reply", async () => {
    fake.enqueue({
      toolCalls: [{ id: "toolu_1", name: "classify", args: { category: "billing" } }],
      usage: { input: 321, output: 45 },
    });

    const res = await provider().complete(request());

    expect(provider().name).toBe("anthropic");
    expect(res).toEqual({
      text: "",
      toolCalls: [
        { id: "toolu_1", name: "classify", args: { category: "billing" }, rawArgs: '{"category":"billing"}' },
      ],
      usage: { inputTokens: 321, outputTokens: 45 },
      stopReason: "tool_use",
      // What traces report as the response's id, model and finish reason.
      meta: { id: "msg_fake_1", model: "claude-test-1", finishReason: "tool_use" },
    });
    expect(fake.requests).toHaveLength(1);
    const { body, headers } = fake.requests[0]!;
    expect(body.system).toBe(SYSTEM);
    expect(body.messages).toEqual([{ role: "user", content: "My invoice is wrong." }]);
    expect(JSON.stringify(body.messages)).not.toContain(SYSTEM);
    expect(body.model).toBe("claude-test-1");
    expect(body.max_tokens).toBe(512);
    expect(body.tools).toEqual([
      { name: "classify", description: "Record the ticket's category.", input_schema: TOOLS[0]!.inputSchema },
    ]);
    expect(body.tool_choice).toEqual({ type: "any" });
    expect(body.stream).toBeUndefined();
    // SDK 1.x sends the key as a bearer token (0.x used x-api-key) and pins an API version.
    expect(headers["authorization"]).toBe("Bearer sk-ant-test");
    expect(headers["anthropic-version"]).toBeTruthy();
  });

  it("sends an assistant turn as text + tool_use blocks and the results as one user turn of tool_result blocks", async () => {
    fake.enqueue({ text: "Filed as billing.", stop: "end_turn" });
    const messages: ChatMessage[] = [
      { role: "user", content: "My invoice is wrong and I was charged twice." },
      {
        role: "assistant",
        text: "Let me look.",
        toolCalls: [
          { id: "toolu_a", name: "lookup", args: { invoice: 7 }, rawArgs: '{"invoice":7}' },
          { id: "toolu_b", name: "refund", args: undefined, rawArgs: "{oops" },
        ],
      },
      {
        role: "tool",
        results: [
          { toolCallId: "toolu_a", toolName: "lookup", content: '{"total":40}', isError: false },
          { toolCallId: "toolu_b", toolName: "refund", content: "refund needs an amount", isError: true },
        ],
      },
    ];

    const res = await provider().complete(request({ messages, toolChoice: "auto" }));

    expect(res).toMatchObject({ text: "Filed as billing.", toolCalls: [], stopReason: "end_turn" });
    const { body } = fake.requests[0]!;
    expect(body.tool_choice).toEqual({ type: "auto" });
    expect(body.messages).toEqual([
      { role: "user", content: "My invoice is wrong and I was charged twice." },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Let me look." },
          { type: "tool_use", id: "toolu_a", name: "lookup", input: { invoice: 7 } },
          { type: "tool_use", id: "toolu_b", name: "refund", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_a", content: '{"total":40}', is_error: false },
          { type: "tool_result", tool_use_id: "toolu_b", content: "refund needs an amount", is_error: true },
        ],
      },
    ]);
    expect(JSON.stringify(body.messages)).not.toContain(SYSTEM);
  });

  it("reports the API's usage, which follows the size of the context", async () => {
    fake.enqueue({ text: "short" }, { text: "long" });
    const short = await provider().complete(request());
    const long = await provider().complete(
      request({ messages: [{ role: "user", content: "My invoice is wrong. ".repeat(50) }] }),
    );
    expect(short.usage.outputTokens).toBe(20);
    expect(long.usage.inputTokens).toBeGreaterThan(short.usage.inputTokens + 200);
  });

  it("sends no tools and no tool_choice when the agent has no tools; maps max_tokens", async () => {
    fake.enqueue({ text: "truncated", stop: "max_tokens" });
    const res = await provider().complete(request({ tools: [], toolChoice: "auto" }));
    expect(res.stopReason).toBe("max_tokens");
    expect(fake.requests[0]!.body.tools).toBeUndefined();
    expect(fake.requests[0]!.body.tool_choice).toBeUndefined();
  });

  it("retries a 429 (the SDK's own retry) and returns the success", async () => {
    fake.enqueue(
      { error: { status: 429, message: "Number of requests has exceeded your rate limit" } },
      { text: "ok" },
    );
    const res = await provider().complete(request());
    expect(res.text).toBe("ok");
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.headers["x-stainless-retry-count"]).toBe("1");
  });

  it("fails with kind server after the retries of a persistent 500, naming provider, status and API message", async () => {
    fake.enqueue(...Array.from({ length: 3 }, () => ({ error: { status: 500, message: "Internal server error" } })));
    const err = await failure(provider(2).complete(request()));
    expect(err.kind).toBe("server");
    expect(err.status).toBe(500);
    expect(err.message).toContain("anthropic");
    expect(err.message).toContain("500");
    expect(err.message).toContain("Internal server error");
    expect(fake.requests).toHaveLength(3);
  });

  it("treats 529 overloaded as server", async () => {
    fake.enqueue({ error: { status: 529, message: "Overloaded" } });
    const err = await failure(provider(0).complete(request()));
    expect(err).toMatchObject({ kind: "server", status: 529 });
    expect(err.message).toContain("Overloaded");
  });

  it("fails with kind auth on a 401, without retrying", async () => {
    fake.enqueue({ error: { status: 401, message: "invalid x-api-key" } });
    const err = await failure(provider().complete(request()));
    expect(err).toMatchObject({ kind: "auth", status: 401 });
    expect(err.message).toMatch(/anthropic.*401.*invalid x-api-key/);
    expect(fake.requests).toHaveLength(1);
  });

  it("fails with kind bad_request on another 4xx", async () => {
    fake.enqueue({ error: { status: 400, message: "messages: roles must alternate" } });
    const err = await failure(provider().complete(request()));
    expect(err).toMatchObject({ kind: "bad_request", status: 400 });
    expect(err.message).toContain("roles must alternate");
  });

  it("stops at once when the signal aborts during a slow response", async () => {
    fake.enqueue({ delayMs: 5_000, then: { text: "too late" } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("deadline")), 50);
    const started = Date.now();
    const err = await failure(provider(2).complete(request({ signal: controller.signal })));
    expect(err.kind).toBe("aborted");
    expect(Date.now() - started).toBeLessThan(1_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.requests).toHaveLength(1); // no retry after the abort
  });

  it("stops at once when the signal aborts while the SDK waits to retry", async () => {
    fake.enqueue({ error: { status: 429, message: "slow down", retryAfterMs: 5_000 } }, { text: "too late" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const err = await failure(provider(2).complete(request({ signal: controller.signal })));
    expect(err.kind).toBe("aborted");
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(fake.requests).toHaveLength(1);
  });

  it("does not send anything when the signal is already aborted", async () => {
    const err = await failure(provider().complete(request({ signal: AbortSignal.abort() })));
    expect(err.kind).toBe("aborted");
    expect(fake.requests).toHaveLength(0);
  });

  it("fails with kind invalid_response on a 200 it cannot understand", async () => {
    fake.enqueue({ raw: { body: '{"id":"msg_1","type":"message"}' } }, { raw: { body: "{not json" } });
    expect((await failure(provider().complete(request()))).kind).toBe("invalid_response");
    expect((await failure(provider().complete(request()))).kind).toBe("invalid_response");
  });

  it("fails with kind network when nothing listens", async () => {
    const gone = await startFakeAnthropic();
    await gone.close();
    const dead = createAnthropicProvider({ apiKey: "k", baseURL: gone.url, maxRetries: 0 });
    const err = await failure(dead.complete(request()));
    expect(err.kind).toBe("network");
    expect(err.message).toContain("anthropic");
  });
});
