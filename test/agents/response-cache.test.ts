// The opt-in response cache, through the real Anthropic SDK against a fake server: a second run of the same task
// reuses every response (no request reaches the server, no tokens, no cost, events say `cached`); a changed tool list
// misses. On an authorized bus the agent's identity reads and writes only its own cache keys.
import { randomUUID } from "node:crypto";
import {
  createAnthropicProvider,
  defineAgent,
  defineTool,
  serveAgent,
  type ResolvedModel,
  type ServedAgent,
} from "@switchyard/agent-kit";
import { SubtaskEnvelope, SubtaskResult, WIRE_VERSION } from "@switchyard/contracts";
import {
  connectBus,
  createLogger,
  loadConfig,
  publishJson,
  bindBuckets,
  type Buckets,
  type Bus,
} from "@switchyard/infra";
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import { startFakeAnthropic, type FakeAnthropic } from "../fixtures/fake-model-servers/index.ts";
import { connectTestBus, startTestNats, testEnv, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";

const logger = createLogger({ service: "test", level: "silent" });
const lookup = defineTool({
  name: "lookup",
  description: "Looks up a topic.",
  kind: "read",
  input: z.object({ term: z.string() }),
  output: z.object({ text: z.string() }),
  run: async ({ term }) => ({ text: `${term}: the answer is 42` }),
});
const spec = {
  version: "1.0.0",
  description: "Test agent with a response cache.",
  input: z.object({ question: z.string() }),
  output: z.object({ answer: z.string() }),
  instructions: "Answer from lookups.",
  model: "scripted:unused",
  cache: { ttlMs: 60_000 },
} as const;
// The same agent twice under one name would share its cache; the second differs only in its tool list.
const cachedAgent = defineAgent({ ...spec, name: "echo", tools: [lookup] });

let server: NatsServerHandle;
let prefix: string;
let admin: Bus;
let agentBus: Bus;
let buckets: Buckets;
let log: EventLog;
let anthropic: FakeAnthropic;
let served: ServedAgent | undefined;
const results = new Map<string, SubtaskResult>();
const model = (url: string): ResolvedModel => ({
  modelString: "anthropic:claude-test-1",
  provider: createAnthropicProvider({ apiKey: "test-key", baseURL: url, maxRetries: 1 }),
  model: "claude-test-1",
  price: { inputPerMTok: 10, outputPerMTok: 10 },
});

beforeAll(async () => {
  server = await startTestNats();
  prefix = uniquePrefix();
  ({ bus: admin } = await connectTestBus(server, prefix));
  log = collectEvents(admin.nc, admin.names);
  // The agent connects as its own identity, as in production: its cache keys must be within its permissions.
  agentBus = await connectBus({ config: loadConfig(testEnv(server, prefix, {}, "agent-echo")), name: "agent-echo" });
  buckets = await bindBuckets(agentBus);
  anthropic = await startFakeAnthropic();
  admin.nc.subscribe(admin.names.subjects.resultsAll, {
    callback: (_err, msg) => {
      const r = SubtaskResult.safeParse(msg.json());
      if (r.success) results.set(r.data.goalId, r.data);
    },
  });
});

afterAll(async () => {
  log?.stop();
  await served?.stop();
  await anthropic?.close();
  await agentBus?.close();
  await admin?.close();
  await server?.stop();
});

async function run(question: string): Promise<SubtaskResult> {
  const goalId = randomUUID();
  const envelope: SubtaskEnvelope = {
    v: WIRE_VERSION,
    goalId,
    subtaskId: "s1",
    idempotencyKey: `${goalId}/s1`,
    agent: "echo",
    input: { question },
    upstream: {},
    budget: {},
    deadline: new Date(Date.now() + 60_000).toISOString(),
    attempt: 1,
    tenant: "acme",
    user: "ana",
  };
  await publishJson(admin, admin.names.subjects.task("echo"), SubtaskEnvelope, envelope);
  await expect.poll(() => results.get(goalId), { timeout: 20_000 }).toBeDefined();
  return results.get(goalId) as SubtaskResult;
}

const script = () =>
  anthropic.enqueue(
    { toolCalls: [{ name: "lookup", args: { term: "x" } }], usage: { input: 1_000, output: 100 } },
    {
      toolCalls: [
        {
          name: "final_answer",
          args: { answer: { answer: "42" }, assessment: { established: ["42"], assumed: [], unknown: [] } },
        },
      ],
      usage: { input: 1_200, output: 50 },
    },
  );

it("reuses every response of an identical run: no request, no tokens, no cost, and events say so", async () => {
  served = await serveAgent({ agent: cachedAgent, bus: agentBus, buckets, logger, model: model(anthropic.url) });
  script();
  const first = await run("What is x?");
  expect(first).toMatchObject({ status: "ok", output: { answer: "42" } });
  expect(anthropic.requests).toHaveLength(2);
  expect(first.usage.costUsd).toBeGreaterThan(0);

  const second = await run("What is x?");
  expect(second).toMatchObject({ status: "ok", output: { answer: "42" } });
  expect(anthropic.requests).toHaveLength(2); // nothing reached the model
  expect(second.usage).toMatchObject({ steps: 2, inputTokens: 0, outputTokens: 0, costUsd: 0 });
  const calls = log.events.filter((e) => e.type === "model.call" && e.goalId === second.goalId);
  expect(calls).toHaveLength(2);
  for (const c of calls) expect(c).toMatchObject({ cached: true, costUsd: 0 });

  // Another question is another conversation: a miss.
  script();
  const other = await run("What is y?");
  expect(other.status).toBe("ok");
  expect(anthropic.requests).toHaveLength(4);
  await served.stop();
  served = undefined;
});

it("misses when the tool list changed", async () => {
  const more = defineTool({ ...lookup, name: "lookup_more" });
  const changed = defineAgent({ ...spec, name: "echo", tools: [lookup, more] });
  served = await serveAgent({ agent: changed, bus: agentBus, buckets, logger, model: model(anthropic.url) });
  anthropic.reset();
  script();
  const r = await run("What is x?");
  expect(r.status).toBe("ok");
  expect(anthropic.requests).toHaveLength(2);
});
