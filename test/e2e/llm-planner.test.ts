// The coordinator's LLM planner on a real nats-server: the live catalog from $SRV.INFO of real agent services, the
// real Anthropic SDK against a fake Messages API, plan repair after validation errors, failure, usage accounting;
// and the real coordinator process planning offline with its default scripted planner.
import { randomUUID } from "node:crypto";
import { serveAgent, type ServedAgent } from "@switchyard/agent-kit";
import { keywordsAgent } from "@switchyard/agent-keywords";
import { reportAgent } from "@switchyard/agent-report";
import { Goal, WIRE_VERSION, type GoalResult } from "@switchyard/contracts";
import {
  createBusAgentCatalog,
  createCoordinator,
  createLlmPlanner,
  SUBMIT_PLAN,
  type Coordinator,
} from "@switchyard/coordinator";
import { createLogger, publishJson, type Buckets, type Bus } from "@switchyard/infra";
import { createAnthropicProvider, type ResolvedModel } from "@switchyard/models";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import {
  startFakeAnthropic,
  type AnthropicWireBlock,
  type FakeAnthropic,
  type FakeSuccess,
} from "../fixtures/fake-model-servers/index.ts";
import { connectTestBus, startTestNats, testEnv, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import { ENTRIES, runCli, startProcess, type ServiceProcess } from "../fixtures/processes.ts";

const logger = createLogger({ service: "test", level: "silent" });
const PRICE = { inputPerMTok: 3, outputPerMTok: 15 };
const TEXT = "Agents need budgets. Budgets stop agents that loop.";

let server: NatsServerHandle;
let bus: Bus;
let buckets: Buckets;
let log: EventLog;
let anthropic: FakeAnthropic;
let coordinator: Coordinator;
const served: ServedAgent[] = [];

beforeAll(async () => {
  server = await startTestNats();
  ({ bus, buckets } = await connectTestBus(server, uniquePrefix()));
  log = collectEvents(bus.nc, bus.names);
  anthropic = await startFakeAnthropic();
  served.push(
    await serveAgent({ agent: keywordsAgent, bus, buckets, logger }),
    await serveAgent({ agent: reportAgent, bus, buckets, logger }),
  );
  const model: ResolvedModel = {
    modelString: "anthropic:claude-test-1",
    provider: createAnthropicProvider({ apiKey: "test-key", baseURL: anthropic.url, maxRetries: 0 }),
    model: "claude-test-1",
    price: PRICE,
  };
  const planner = createLlmPlanner({ model, catalog: createBusAgentCatalog(bus), logger });
  coordinator = await createCoordinator({ bus, buckets, logger, planner });
});

afterAll(async () => {
  log?.stop();
  await coordinator?.stop();
  for (const s of served) await s.stop();
  await anthropic?.close();
  await bus?.close();
  await server?.stop();
});

beforeEach(() => anthropic.reset());

const VALID_PLAN = {
  subtasks: [
    { id: "kw", agent: "keywords", input: { text: "$goal.text" } },
    { id: "rep", agent: "report", input: { text: "$goal.text", keywords: "$upstream.kw.keywords" }, dependsOn: ["kw"] },
  ],
  output: "rep",
};
// Two mistakes a model makes: an agent that does not exist, and an input that breaks the agent's schema.
const INVALID_PLAN = {
  subtasks: [
    { id: "kw", agent: "keywords", input: { text: 42 } },
    { id: "tr", agent: "translator", input: { text: "$goal.text" }, dependsOn: ["kw"] },
  ],
};
const submit = (plan: unknown, usage = { input: 1_000, output: 200 }): FakeSuccess => ({
  text: "Here is the plan.",
  toolCalls: [{ name: SUBMIT_PLAN, args: plan }],
  usage,
});

async function runGoal(b: Bus, events: EventLog, extra: Partial<Goal> = {}): Promise<GoalResult> {
  const goal = Goal.parse({ v: WIRE_VERSION, id: randomUUID(), tenant: "acme", user: "ana", text: TEXT, ...extra });
  await publishJson(b, b.names.subjects.goalSubmit(goal.tenant), Goal, goal, { msgId: goal.id });
  return events.waitForResult(goal.id, 30_000);
}

/** The tool_result blocks of one request to the fake, in order. */
function toolResults(requestIndex: number): AnthropicWireBlock[] {
  const body = anthropic.requests[requestIndex]?.body;
  return (body?.messages ?? []).flatMap((m) =>
    typeof m.content === "string" ? [] : m.content.filter((b) => b.type === "tool_result"),
  );
}

describe("the LLM planner in the coordinator", () => {
  it("repairs a plan after its validation errors are sent back, and the goal completes", async () => {
    anthropic.enqueue(submit(INVALID_PLAN), submit(VALID_PLAN));
    const result = await runGoal(bus, log, { plan: "llm" });

    expect(result).toMatchObject({ status: "ok", output: { topics: expect.arrayContaining(["agents", "budgets"]) } });
    expect(result.subtasks.map((s) => [s.subtaskId, s.agent, s.status])).toEqual([
      ["kw", "keywords", "ok"],
      ["rep", "report", "ok"],
    ]);
    // The model planned from the live catalog: the real cards of the running agents, from $SRV.INFO.
    const first = anthropic.requests[0]?.body;
    expect(first?.messages[0]?.content).toEqual(expect.stringContaining('"name":"keywords"'));
    expect(first?.messages[0]?.content).toEqual(expect.stringContaining('"name":"report"'));
    expect(first?.tool_choice).toEqual({ type: "any" });
    // The second request carries every error of the first plan as the submit_plan tool result.
    expect(anthropic.requests).toHaveLength(2);
    const [feedback] = toolResults(1);
    expect(feedback).toMatchObject({ is_error: true });
    expect(feedback?.content).toEqual(expect.stringContaining('subtask "kw" input.text: must be string'));
    expect(feedback?.content).toEqual(
      expect.stringContaining('subtask "tr" agent: unknown agent "translator"; available: keywords, report'),
    );

    const plan = await log.waitForEvent((e) => e.type === "plan.created" && e.goalId === result.goalId);
    expect(plan).toMatchObject({ plan: { subtasks: [{ id: "kw" }, { id: "rep" }], output: "rep" } });
    const calls = log.events.filter((e) => e.type === "model.call" && e.goalId === result.goalId);
    expect(calls).toEqual([
      expect.objectContaining({ subtaskId: "plan", agent: "planner", step: 1, toolCalls: [SUBMIT_PLAN] }),
      expect.objectContaining({ subtaskId: "plan", agent: "planner", step: 2, toolCalls: [SUBMIT_PLAN] }),
    ]);
  });

  it("fails the goal with the validation errors when the plan stays invalid", async () => {
    anthropic.enqueue(submit(INVALID_PLAN), submit(INVALID_PLAN), submit(INVALID_PLAN));
    const result = await runGoal(bus, log, { plan: "llm" });

    expect(result).toMatchObject({ status: "failed", subtasks: [], failure: { kind: "invalid_output" } });
    expect(result.failure?.message).toContain("after 3 attempts");
    expect(result.failure?.message).toContain('subtask "kw" input.text: must be string');
    expect(result.failure?.message).toContain('subtask "tr" agent: unknown agent "translator"');
    expect(anthropic.requests).toHaveLength(3);
    // What the three calls cost is in the failed goal's usage too.
    expect(result.usage).toMatchObject({ steps: 3, inputTokens: 3_000, outputTokens: 600 });
  });

  it("counts the planner's tokens and cost in the goal's usage", async () => {
    anthropic.enqueue(submit(VALID_PLAN, { input: 1_234, output: 56 }));
    const result = await runGoal(bus, log, { plan: "llm" });

    expect(result.status).toBe("ok");
    const agentSteps = result.subtasks.reduce((n, s) => n + s.usage.steps, 0);
    // The two handler agents use no tokens: every token is the planner's.
    expect(result.usage).toMatchObject({ inputTokens: 1_234, outputTokens: 56, steps: agentSteps + 1 });
    expect(result.usage.costUsd).toBeCloseTo((1_234 * PRICE.inputPerMTok + 56 * PRICE.outputPerMTok) / 1e6, 12);
  });
});

describe("the coordinator service offline", () => {
  let prefix: string;
  let offline: { bus: Bus; buckets: Buckets };
  let offlineLog: EventLog;
  let service: ServiceProcess;
  const offlineAgents: ServedAgent[] = [];

  beforeAll(async () => {
    prefix = uniquePrefix();
    offline = await connectTestBus(server, prefix);
    offlineLog = collectEvents(offline.bus.nc, offline.bus.names);
    offlineAgents.push(
      await serveAgent({ agent: keywordsAgent, ...offline, logger }),
      await serveAgent({ agent: reportAgent, ...offline, logger }),
    );
    // No SY_PLANNER_MODEL and no API key: the default `scripted:planner-offline`.
    service = startProcess("coordinator", ENTRIES.coordinator, testEnv(server, prefix));
    await service.ready();
  });

  afterAll(async () => {
    offlineLog?.stop();
    await service?.stop();
    for (const s of offlineAgents) await s.stop();
    await offline?.bus.close();
  });

  it('plans a `plan: "llm"` goal from the running agents with the default scripted planner', async () => {
    const result = await runGoal(offline.bus, offlineLog, { plan: "llm" });
    expect(result).toMatchObject({ status: "ok", output: { topics: expect.arrayContaining(["agents", "budgets"]) } });
    expect(result.subtasks.map((s) => [s.subtaskId, s.status])).toEqual([
      ["keywords", "ok"],
      ["report", "ok"],
    ]);
    const calls = offlineLog.events.filter((e) => e.type === "model.call" && e.goalId === result.goalId);
    expect(calls).toEqual([expect.objectContaining({ agent: "planner", model: "scripted:planner-offline" })]);

    // Its trace shows the planning as the goal's plan node (not a skipped subtask), and nothing before the goal.
    const cli = (...args: string[]) => runCli(testEnv(server, prefix), ...args);
    type Node = { type: string; label: string; status?: string; children: Node[] };
    const tree = JSON.parse((await cli("trace", result.goalId, "--json")).stdout) as Node;
    expect(tree.children.map((c) => [c.type, c.label.split(" ")[0], c.status])).toEqual([
      ["plan", "plan", "ok"],
      ["subtask", "keywords", "ok"],
      ["subtask", "report", "ok"],
    ]);
    expect(tree.children[0]).toMatchObject({ label: "plan llm", detail: "2 subtask(s)" });
    expect(tree.children[0]?.children.map((c) => c.type)).toEqual(["model.call"]);
    const text = (await cli("trace", result.goalId)).stdout;
    expect(text).toMatch(/^\+0\.000s {2}goal /);
    expect(text).toMatch(/^\+\d+\.\d{3}s {2}├─ plan llm {2}\[ok · /m);
    expect(text).not.toMatch(/^\s*-\d/m);
  });
});
