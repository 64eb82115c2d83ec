// Durable runs: a subtask that paused resumes where it stopped, from its journal on the bus, instead of starting
// again from step 1. Through the real Anthropic SDK against a fake server, with the coordinator, approvals and
// answers going the way they do in production (the CLI, as a person).
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import {
  createAnthropicProvider,
  defineAgent,
  defineTool,
  replayRecordedRun,
  serveAgent,
  type ResolvedModel,
  type ServedAgent,
} from "@switchyard/agent-kit";
import { refundsAgent } from "@switchyard/agent-refunds";
import { Goal, RecordedRun, type GoalResult, WIRE_VERSION, type StepEvent } from "@switchyard/contracts";
import { createCoordinator, loadTemplateCatalog, type Coordinator } from "@switchyard/coordinator";
import { bindBuckets, connectBus, createLogger, loadConfig, publishJson, type Bus } from "@switchyard/infra";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import { startFakeAnthropic, type FakeAnthropic } from "../fixtures/fake-model-servers/index.ts";
import { connectTestBus, startTestNats, testEnv, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import { ROOT, runCli } from "../fixtures/processes.ts";

const logger = createLogger({ service: "test", level: "silent" });
const sent: Array<{ to: string; body: string }> = [];

const lookupContact = defineTool({
  name: "lookup_contact",
  description: "Finds a person's email address by name.",
  kind: "read",
  input: z.object({ name: z.string() }),
  output: z.object({ email: z.string() }),
  run: async ({ name }) => ({ email: `${name}@example.com` }),
});
const sendEmail = defineTool({
  name: "send_email",
  description: "Sends an email.",
  kind: "write",
  input: z.object({ to: z.string(), body: z.string() }),
  output: z.object({ sent: z.boolean() }),
  run: async (args) => {
    sent.push(args);
    return { sent: true };
  },
});
// Its input is the goal's text: untrusted, so a write waits for a person from the first step.
const mailer = defineAgent({
  name: "mailer",
  version: "1.0.0",
  description: "Writes emails.",
  input: z.object({ text: z.string() }),
  output: z.object({ summary: z.string() }),
  instructions: "Look contacts up, then send the email the text asks for.",
  tools: [lookupContact, sendEmail],
  model: "scripted:unused",
});
const templates = loadTemplateCatalog(join(ROOT, "test/fixtures/templates.json"));

let server: NatsServerHandle;
let prefix: string;
let admin: Bus;
let log: EventLog;
let anthropic: FakeAnthropic;
let coordinator: Coordinator;
const agentBuses: Bus[] = [];
/** The goal of the approval test: its journal is replayed below. */
let approvedGoal = "";
const served: ServedAgent[] = [];

beforeAll(async () => {
  server = await startTestNats();
  prefix = uniquePrefix();
  const topology = await connectTestBus(server, prefix);
  admin = topology.bus;
  log = collectEvents(admin.nc, admin.names);
  coordinator = await createCoordinator({ bus: admin, buckets: topology.buckets, logger, templates });
  anthropic = await startFakeAnthropic();
  const model: ResolvedModel = {
    modelString: "anthropic:claude-test-1",
    provider: createAnthropicProvider({ apiKey: "test-key", baseURL: anthropic.url, maxRetries: 0 }),
    model: "claude-test-1",
    price: { inputPerMTok: 10, outputPerMTok: 10 },
  };
  // Each agent connects as its own identity: its journal keys must be within its permissions.
  for (const [agent, resolved] of [
    [mailer, model],
    [refundsAgent, undefined],
  ] as const) {
    const bus = await connectBus({
      config: loadConfig(testEnv(server, prefix, {}, `agent-${agent.name}`)),
      name: `agent-${agent.name}`,
    });
    agentBuses.push(bus);
    served.push(await serveAgent({ agent, bus, buckets: await bindBuckets(bus), logger, model: resolved }));
  }
});

afterAll(async () => {
  log?.stop();
  for (const s of served) await s.stop();
  for (const b of agentBuses) await b.close();
  await coordinator?.stop();
  await anthropic?.close();
  await admin?.close();
  await server?.stop();
});

beforeEach(() => {
  anthropic.reset();
  sent.length = 0;
});

const asPerson = (...args: string[]) =>
  runCli({ ...testEnv(server, prefix), SY_USER: "reviewer-rita" }, ...args).then((r) => r.stdout);

async function submit(plan: string, text: string, input?: Record<string, unknown>): Promise<string> {
  const id = randomUUID();
  const goal = Goal.parse({ v: WIRE_VERSION, id, tenant: "acme", user: "ana", text, plan, input });
  await publishJson(admin, admin.names.subjects.goalSubmit("acme"), Goal, goal, { msgId: id });
  return id;
}

/** The goal's results so far, latest last, once the latest has `status`. */
async function resultWith(goalId: string, status: string): Promise<GoalResult> {
  await expect
    .poll(() => log.results.filter((r) => r.goalId === goalId).at(-1)?.status, { timeout: 30_000 })
    .toBe(status);
  return log.results.filter((r) => r.goalId === goalId).at(-1) as GoalResult;
}

const final = (answer: unknown) => ({
  name: "final_answer",
  args: { answer, assessment: { established: ["done"], assumed: [], unknown: [] } },
});
const modelCalls = (goalId: string) =>
  log.events.filter(
    (e): e is Extract<StepEvent, { type: "model.call" }> => e.type === "model.call" && e.goalId === goalId,
  );
/** The last tool results the model was sent in a request. */
const lastToolResults = (i: number) => {
  const content = anthropic.requests[i]?.body.messages.at(-1)?.content;
  return Array.isArray(content) ? content.filter((b) => b.type === "tool_result") : [];
};

describe("a run resumed after an approval", () => {
  it("runs the approved call with the approved arguments; steps 1-3 are not asked of the model again", async () => {
    anthropic.enqueue(
      { toolCalls: [{ name: "lookup_contact", args: { name: "ana" } }], usage: { input: 1_000, output: 10 } },
      { toolCalls: [{ name: "lookup_contact", args: { name: "bo" } }], usage: { input: 1_100, output: 10 } },
      {
        text: "Both found; sending.",
        toolCalls: [{ name: "send_email", args: { to: "ana@example.com", body: "Your order shipped." } }],
        usage: { input: 1_200, output: 10 },
      },
    );
    const id = await submit("mail", "Tell ana her order shipped.");
    approvedGoal = id;
    const paused = await resultWith(id, "needs_approval");
    expect(anthropic.requests).toHaveLength(3);
    const proposalId = paused.pendingApprovals[0] ?? "";

    // The model would now answer differently: a run from step 1 would finish without the email.
    anthropic.enqueue({ toolCalls: [final({ summary: "emailed ana" })], usage: { input: 1_300, output: 10 } });
    await asPerson("approvals", "approve", proposalId);
    const done = await resultWith(id, "ok");

    expect(done.output).toEqual({ summary: "emailed ana" });
    expect(sent).toEqual([{ to: "ana@example.com", body: "Your order shipped." }]);
    expect(anthropic.requests).toHaveLength(4);
    expect(lastToolResults(3)).toEqual([
      expect.objectContaining({ type: "tool_result", content: expect.stringContaining('"sent":true') }),
    ]);
    // Each paid call counted once: attempt 2 replayed three calls at no cost and paid for one.
    const calls = modelCalls(id);
    expect(calls.filter((c) => c.replayed === true)).toHaveLength(3);
    expect(calls.filter((c) => c.replayed === true).every((c) => c.costUsd === 0)).toBe(true);
    expect(done.usage.inputTokens).toBe(1_000 + 1_100 + 1_200 + 1_300);
  });
});

describe("a run resumed after an answer", () => {
  it("goes on from the question it asked, with the answer as the reply to it", async () => {
    anthropic.enqueue({
      toolCalls: [
        {
          name: "final_answer",
          args: {
            answer: { summary: "?" },
            assessment: { established: [], assumed: [], unknown: [{ question: "Who is it for?", critical: true }] },
          },
        },
      ],
    });
    const id = await submit("mail", "Send the weekly note.");
    await resultWith(id, "needs_input");
    anthropic.enqueue({ toolCalls: [final({ summary: "it is for the team" })] });
    await asPerson("answer", id, "the team");
    const done = await resultWith(id, "ok");
    expect(done.output).toEqual({ summary: "it is for the team" });
    expect(anthropic.requests).toHaveLength(2);
    expect(lastToolResults(1)).toEqual([
      expect.objectContaining({ content: expect.stringContaining("(reviewer-rita) answered: the team") }),
    ]);
  });

  it("the offline refunds agent uses the answer: the refund is proposed for the order a person named", async () => {
    const id = await submit("refund", "Please refund my order, the shoes fell apart.", { orderId: "A-9999" });
    const asked = await resultWith(id, "needs_input");
    expect(asked.subtasks[0]?.assessment?.unknown).toEqual(["Which order should be refunded? (critical)"]);
    // The CLI waits for the goal to go on: it pauses again, now for a person to approve the refund (exit code 3).
    const paused = await asPerson("answer", id, "order A-1001").catch((e: { code: number }) => e);
    expect(paused).toMatchObject({ code: 3 });
    const proposed = await resultWith(id, "needs_approval");
    expect(proposed.subtasks[0]?.proposals).toEqual([
      expect.objectContaining({
        tool: "issue_refund",
        args: expect.objectContaining({ orderId: "A-1001", amountUsd: 129 }),
      }),
    ]);
  });
});

describe("a recorded run", () => {
  it("is exported by `switchyard journal --json` and replays offline against the agent's code, step by step", async () => {
    expect(approvedGoal).not.toBe("");
    const operator = testEnv(server, prefix);
    const text = await runCli(operator, "journal", approvedGoal).then((r) => r.stdout);
    expect(text).toMatch(/^mailer · subtask mail · journal of attempt 1$/m);
    expect(text).toMatch(/#0 model {3}attempt 1 {2}1000\+10 tok {2}→ lookup_contact/);
    expect(text).toMatch(/#1 read {4}ok/);
    const [run] = RecordedRun.array().parse(
      JSON.parse((await runCli(operator, "journal", approvedGoal, "--json")).stdout),
    );
    expect(run).toMatchObject({ agent: "mailer", subtaskId: "mail", root: 1 });
    expect(run?.entries.map((e) => e.kind)).toEqual(["model", "read", "model", "read", "model", "model"]);

    const requestsBefore = anthropic.requests.length;
    const replay = await replayRecordedRun(mailer, run as RecordedRun);
    expect(replay.outcome).toMatchObject({ status: "ok", output: { summary: "emailed ana" } });
    expect(replay.divergence).toBeUndefined();
    expect(replay.wentPastRecording).toBe(false);
    // Offline: no model request, and the write replayed from the recorded ledger instead of sending again.
    expect(anthropic.requests).toHaveLength(requestsBefore);
    expect(sent).toEqual([]);

    // Changed code: without its lookup tool, the loop no longer makes the recorded reads.
    const changed = { ...mailer, tools: mailer.tools.filter((t) => t.name !== "lookup_contact") };
    const diverged = await replayRecordedRun(changed, run as RecordedRun);
    expect(diverged.divergence).toMatchObject({ position: 1, wanted: "model" });
  });
});
