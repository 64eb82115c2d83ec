// A specialist that wraps a LangChain.js agent (`createAgent`, a `tool()`, ChatOpenAI) with Switchyard's budget
// enforced from outside. Real components: a nats-server with authorization, a coordinator and the specialist served
// in-process as its own identity, and the real OpenAI SDK inside ChatOpenAI talking HTTP to a fake Chat Completions
// server scripted turn by turn.
import { randomUUID } from "node:crypto";
import { registerModelPrices, serveAgent, type ServedAgent } from "@switchyard/agent-kit";
import {
  createTriageAgent,
  TRIAGE_RESULT_TOOL,
  triageModelFromEnv,
  type TriageOutput,
} from "@switchyard/agent-langchain-triage";
import { Goal, WIRE_VERSION, type Budget, type GoalResult, type SubtaskResult } from "@switchyard/contracts";
import { createCoordinator, FailurePolicy, type Coordinator } from "@switchyard/coordinator";
import { createLogger, publishJson, type Bus } from "@switchyard/infra";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import { startFakeOpenAI, type FakeOpenAI, type FakeReply } from "../fixtures/fake-model-servers/index.ts";
import { connectTestBus, startTestNats, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";

const logger = createLogger({ service: "test", level: "silent" });
const AGENT = "langchain-triage";

const triageSubtask = {
  id: "triage",
  agent: AGENT,
  input: { ticket: "$goal.text", orderId: "$goal.input.orderId" },
  dependsOn: [],
  trustedInput: ["orderId"],
};
const templates = {
  triage: { description: "triage a ticket", subtasks: [triageSubtask], output: "triage" },
  // The plan gives its subtask 4 s of wall time (room for a loaded machine to get the call out): the deadline the
  // envelope carries.
  "triage-quick": { description: "triage within 4 s", subtasks: [{ ...triageSubtask, budget: { maxMs: 4_000 } }] },
};

const TRIAGE: TriageOutput = {
  category: "shipping",
  priority: "normal",
  orderStatus: "shipped",
  summary: "The customer asks where order A-1002 is; it has shipped.",
};
/** The model looks the order up: a tool call with the usage the fake reports. */
const lookUp: FakeReply = {
  toolCalls: [{ name: "lookup_order", args: { orderId: "A-1002" } }],
  usage: { input: 120, output: 15 },
};
/** The model answers with the structured-output tool. */
const answer: FakeReply = {
  toolCalls: [{ name: TRIAGE_RESULT_TOOL, args: TRIAGE }],
  usage: { input: 200, output: 40 },
};

let server: NatsServerHandle;
let admin: Bus;
let agentBus: Bus;
let coordinator: Coordinator;
let served: ServedAgent;
let log: EventLog;
let fake: FakeOpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  server = await startTestNats();
  const prefix = uniquePrefix();
  const stack = await connectTestBus(server, prefix);
  admin = stack.bus;
  log = collectEvents(admin.nc, admin.names);
  // No retries: a subtask that hits a limit is one attempt, and the fake's request count is that attempt's.
  coordinator = await createCoordinator({
    bus: admin,
    buckets: stack.buckets,
    logger,
    templates,
    defaultPlan: "triage",
    failurePolicies: { "*": FailurePolicy.parse({ retries: 0 }) },
  });
  // A price for the fake model (this file's process only), so cost is recorded too.
  registerModelPrices({ "openai:gpt-test-1": { inputPerMTok: 10, outputPerMTok: 20 } });
  // The model exactly as the service configures it: from its environment, here pointed at the fake.
  const model = triageModelFromEnv({
    TRIAGE_MODEL: "gpt-test-1",
    OPENAI_API_KEY: "sk-test",
    OPENAI_BASE_URL: fake.url,
  });
  const agentSide = await connectTestBus(server, prefix, {}, `agent-${AGENT}`);
  agentBus = agentSide.bus;
  served = await serveAgent({ agent: createTriageAgent({ model }), bus: agentBus, buckets: agentSide.buckets, logger });
});

afterAll(async () => {
  log?.stop();
  await served?.stop();
  await coordinator?.stop();
  await agentBus?.close();
  await admin?.close();
  await server?.stop();
  await fake?.close();
});

beforeEach(() => fake.reset());

/** Submits a ticket and waits for the goal's result and its triage subtask's result. */
async function triage(
  ticket: string,
  opts: { plan?: string; budget?: Budget } = {},
): Promise<{ goal: GoalResult; subtask: SubtaskResult }> {
  const id = randomUUID();
  const goal = Goal.parse({
    v: WIRE_VERSION,
    id,
    tenant: "acme",
    user: "ana",
    text: ticket,
    input: { orderId: "A-1002" },
    plan: opts.plan ?? "triage",
    budget: opts.budget ?? {},
  });
  await publishJson(admin, admin.names.subjects.goalSubmit("acme"), Goal, goal, { msgId: id });
  const result = await log.waitForResult(id);
  const subtask = result.subtasks.find((s) => s.subtaskId === "triage");
  if (subtask === undefined) throw new Error(`goal ${id} ended ${result.status} without a triage result`);
  return { goal: result, subtask };
}

/** The `limit.hit` events the agent published for a goal. */
const limitHits = (goalId: string) =>
  log.events.filter((e) => e.type === "limit.hit" && e.goalId === goalId && e.agent === AGENT);

describe("a LangChain agent as a Switchyard specialist", () => {
  it("completes a goal with the agent's output, the tokens the model reported in the subtask's usage", async () => {
    fake.enqueue(lookUp, answer);

    const { goal, subtask } = await triage("Where is my order? It has been a week.");

    expect(goal.status).toBe("ok");
    expect(goal.output).toEqual(TRIAGE);
    expect(subtask).toMatchObject({ status: "ok", agent: AGENT, output: TRIAGE });
    // Two model calls, with the usage the fake reported for each.
    expect(subtask.usage).toMatchObject({ steps: 2, inputTokens: 120 + 200, outputTokens: 15 + 40 });
    expect(subtask.usage.costUsd).toBeCloseTo((320 * 10 + 55 * 20) / 1e6, 10);
    expect(goal.usage).toMatchObject({ inputTokens: 320, outputTokens: 55 });

    // The real SDK sent the key from the environment; the ticket went in the user role, labelled as outside text;
    // the tool ran for real and its result went back to the model.
    expect(fake.requests).toHaveLength(2);
    const [first, second] = fake.requests;
    expect(first?.headers["authorization"]).toBe("Bearer sk-test");
    expect(first?.body.model).toBe("gpt-test-1");
    const user = first?.body.messages.find((m) => m.role === "user");
    expect(user?.content).toContain("<ticket>\nWhere is my order? It has been a week.\n</ticket>");
    const toolReply = second?.body.messages.find((m) => m.role === "tool");
    expect(JSON.parse(String(toolReply?.content))).toMatchObject({ orderId: "A-1002", status: "shipped" });
    expect(limitHits(goal.goalId)).toEqual([]);
  });

  it("stops at the goal's token budget: limit_tokens, the usage so far, and no model call after the limit", async () => {
    // 135 tokens a call: the second call crosses 200.
    fake.enqueue(lookUp, lookUp, lookUp, lookUp, answer);

    const { goal, subtask } = await triage("Where is my order?", { budget: { maxTokens: 200 } });

    expect(subtask.status).toBe("limit_tokens");
    expect(subtask.usage).toMatchObject({ steps: 2, inputTokens: 240, outputTokens: 30 });
    expect(fake.requests).toHaveLength(2);
    expect(goal.status).toBe("limit_tokens");
    expect(limitHits(goal.goalId)).toEqual([
      expect.objectContaining({ limit: "limit_tokens", usage: expect.objectContaining({ inputTokens: 240 }) }),
    ]);
  });

  it("stops a model that keeps calling tools at the step budget: limit_steps", async () => {
    fake.enqueue(...Array.from({ length: 8 }, () => lookUp));

    const { goal, subtask } = await triage("Where is my order?", { budget: { maxSteps: 3 } });

    expect(subtask.status).toBe("limit_steps");
    expect(subtask.usage).toMatchObject({ steps: 3, inputTokens: 360, outputTokens: 45 });
    expect(fake.requests).toHaveLength(3);
    expect(limitHits(goal.goalId).map((e) => e.type === "limit.hit" && e.limit)).toEqual(["limit_steps"]);
  });

  it("stops at the goal's cost budget: limit_cost", async () => {
    // 0.0015 USD a call at the fake model's price: the second call crosses 0.002.
    fake.enqueue(lookUp, lookUp, lookUp, answer);

    const { subtask } = await triage("Where is my order?", { budget: { maxCostUsd: 0.002 } });

    expect(subtask.status).toBe("limit_cost");
    expect(subtask.usage.costUsd).toBeCloseTo(0.003, 10);
    expect(fake.requests).toHaveLength(2);
  });

  it("stops a hanging model call at the subtask's deadline: limit_time", async () => {
    // The model would answer after two minutes (past the test's timeout); the subtask has 4 s.
    fake.enqueue({ delayMs: 120_000, then: answer });

    const { subtask } = await triage("Where is my order?", { plan: "triage-quick" });

    expect(subtask.status).toBe("limit_time");
    expect(subtask.usage).toMatchObject({ steps: 1, inputTokens: 0, outputTokens: 0 });
    expect(fake.requests).toHaveLength(1);
  });
});
