// Switchyard as a protocol agent: the bridge (its own process, as identity `bridge-<tenant>`) in front of a real
// coordinator and real agents, called by a protocol client written from the specification, as the tenant's backend.
// Two bridges: acme's runs the `demo` plan, globex's the `ask` plan, whose first subtask needs a person's input.
import { resolve } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { keywordsAgent } from "@switchyard/agent-keywords";
import { serveAgent, type ServedAgent } from "@switchyard/agent-kit";
import { reportAgent } from "@switchyard/agent-report";
import { createCoordinator, loadTemplateCatalog, type Coordinator } from "@switchyard/coordinator";
import { createLogger, identity, type Buckets, type Bus } from "@switchyard/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { askerAgent } from "../fixtures/agents/asker.ts";
import { sleepyAgent } from "../fixtures/agents/sleepy.ts";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import {
  connectRaw,
  connectTestBus,
  credentialsOf,
  startTestNats,
  testEnv,
  uniquePrefix,
  type NatsServerHandle,
} from "../fixtures/nats.ts";
import { ROOT, startProcess, stopAll, type ServiceProcess } from "../fixtures/processes.ts";
import {
  answerQuery,
  discover,
  prompt,
  type AgentInfo,
  type StreamMessage,
} from "../fixtures/protocol/protocol-client.ts";
import { addIdentities } from "../fixtures/protocol/protocol-identities.ts";

const logger = createLogger({ service: "test", level: "silent" });
const prefix = uniquePrefix();
const BRIDGE_ENTRY = resolve(ROOT, "agent-protocol/src/main.ts");
let server: NatsServerHandle;
let bus: Bus;
let buckets: Buckets;
let log: EventLog;
let coordinator: Coordinator;
const agents: ServedAgent[] = [];
const bridges: ServiceProcess[] = [];
const callers: Record<string, { nc: NatsConnection; inboxPrefix?: string }> = {};
// Streams keep alive every 0.5 s: one silent for this long is broken (it would otherwise wait the default 60 s).
const inactivityMs = 20_000;

const subjectOf = (verb: string, tenant: string) => `agents.${verb}.switchyard.${tenant}.${prefix}`;

beforeAll(async () => {
  server = await startTestNats();
  await addIdentities(server, [identity("bridge", "acme"), identity("bridge", "globex")]);
  ({ bus, buckets } = await connectTestBus(server, prefix));
  log = collectEvents(bus.nc, bus.names);
  const templates = loadTemplateCatalog(resolve(ROOT, "test/fixtures/templates.json"));
  coordinator = await createCoordinator({ bus, buckets, logger, templates });
  for (const agent of [keywordsAgent, reportAgent, askerAgent, sleepyAgent])
    agents.push(await serveAgent({ agent, bus, buckets, logger }));
  for (const [tenant, plan] of [
    ["acme", "demo"],
    ["globex", "ask"],
  ] as const) {
    const env = testEnv(
      server,
      prefix,
      {
        SY_BRIDGE_TENANT: tenant,
        SY_BRIDGE_PLAN: plan,
        SY_BRIDGE_HEARTBEAT_S: "1",
        SY_BRIDGE_KEEPALIVE_S: "0.5",
        SY_BRIDGE_QUERY_TIMEOUT_S: "20",
      },
      `bridge-${tenant}`,
    );
    bridges.push(startProcess(`bridge-${tenant}`, BRIDGE_ENTRY, env));
    callers[tenant] = {
      nc: await connectRaw(server, `backend-${tenant}`),
      inboxPrefix: credentialsOf(server, `backend-${tenant}`)["NATS_INBOX_PREFIX"],
    };
  }
  await Promise.all(bridges.map((b) => b.ready()));
});

afterAll(async () => {
  await stopAll(bridges);
  for (const caller of Object.values(callers)) await caller.nc.close();
  log?.stop();
  for (const a of agents) await a.stop();
  await coordinator?.stop();
  await bus?.close();
  await server?.stop();
});

const chunks = (messages: StreamMessage[], type: string) =>
  messages.flatMap((m) => (m.kind === "chunk" && m.type === type ? [m.data] : []));
const responseTexts = (messages: StreamMessage[]) => chunks(messages, "response").map(String);
const goalIdIn = (messages: StreamMessage[]) =>
  /goal ([0-9a-f-]{36}) submitted/.exec(responseTexts(messages)[0] ?? "")?.[1];

describe("discovery", () => {
  it("registers as the protocol agent switchyard/<tenant>/<prefix> with its metadata, heartbeat and status", async () => {
    const { nc } = callers["acme"]!;
    // Subscribe before discovering (§8.5), so the first heartbeat after discovery is not missed.
    const beats = nc.subscribe(subjectOf("hb", "acme"), { max: 1 });
    const infos = await discover(nc);
    const info = infos.find((i) => i.metadata["owner"] === "acme") as AgentInfo;
    expect(info).toMatchObject({
      name: "agents",
      metadata: { agent: "switchyard", owner: "acme", session: prefix, protocol_version: "0.3" },
    });
    const prompt = info.endpoints.find((e) => e.name === "prompt");
    expect(prompt).toMatchObject({
      subject: subjectOf("prompt", "acme"),
      queue_group: "agents",
      metadata: { max_payload: expect.stringMatching(/^\d+(B|KB|MB|GB)$/), attachments_ok: "false" },
    });
    expect(info.endpoints.find((e) => e.name === "status")).toMatchObject({
      subject: subjectOf("status", "acme"),
      queue_group: "agents",
    });

    const heartbeat = { agent: "switchyard", owner: "acme", session: prefix, instance_id: info.id, interval_s: 1 };
    for await (const beat of beats) {
      expect(beat.json()).toEqual({ ...heartbeat, ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/) });
    }
    const status = await nc.request(subjectOf("status", "acme"), "", { timeout: 5_000 });
    expect(status.json()).toEqual({ ...heartbeat, ts: expect.any(String) });
  });
});

describe("prompts", () => {
  it("streams the goal's progress and its final output, then the terminator", async () => {
    const { nc, inboxPrefix } = callers["acme"]!;
    const text = "Agents need budgets. Budgets stop runaway agents before they burn money.";
    const messages = await prompt(nc, subjectOf("prompt", "acme"), text, { inboxPrefix, inactivityMs });

    expect(messages[0]).toEqual({ kind: "chunk", type: "status", data: "ack" });
    expect(messages.at(-1)).toEqual({ kind: "terminator" });
    expect(messages.filter((m) => m.kind === "error")).toEqual([]);
    const texts = responseTexts(messages);
    const goalId = goalIdIn(messages);
    expect(goalId).toBeDefined();
    // Progress lines, in the order things happened, before the output.
    const progress = texts.slice(0, -1).join("");
    expect(progress).toMatch(/accepted: plan demo\n/);
    expect(progress).toMatch(/keywords: finished ok[^\n]*\n[\s\S]*report: finished ok/);
    // The last chunk is the goal's output, the very output Switchyard recorded.
    const result = await log.waitForResult(goalId!);
    expect(result.status).toBe("ok");
    expect(JSON.parse(texts.at(-1)!)).toEqual(result.output);
    expect(result.output).toMatchObject({
      headline: "Agents need budgets.",
      topics: expect.arrayContaining(["budgets"]),
    });
  });

  it.each([
    ["an empty prompt field", '{"prompt": ""}', /prompt: must be a non-empty string/],
    ["broken JSON", '{"prompt": "unfinished', /starts with "\{" but is not valid JSON/],
    ["attachments", '{"prompt": "see file", "attachments": [{"filename": "a.txt", "content": "aGk="}]}', /attachments/],
  ])("answers a bad envelope (%s) with 400 and the terminator", async (_what, payload, reason) => {
    const { nc, inboxPrefix } = callers["acme"]!;
    const messages = await prompt(nc, subjectOf("prompt", "acme"), payload, { inboxPrefix, inactivityMs });
    expect(messages).toEqual([
      { kind: "error", code: "400", description: expect.stringMatching(reason), body: "" },
      { kind: "terminator" },
    ]);
  });

  it("ends a stream it opened with the error and then the terminator when the prompt cannot be a goal", async () => {
    const { nc, inboxPrefix } = callers["acme"]!;
    const messages = await prompt(nc, subjectOf("prompt", "acme"), "x".repeat(100_001), { inboxPrefix, inactivityMs });
    expect(messages).toEqual([
      { kind: "chunk", type: "status", data: "ack" },
      { kind: "error", code: "400", description: expect.stringMatching(/cannot be a goal: text: Too big/), body: "" },
      { kind: "terminator" },
    ]);
  });

  it("asks the caller mid-stream when the goal needs input, and the reply answers the goal", async () => {
    const { nc, inboxPrefix } = callers["globex"]!;
    let query: { id: string; reply_subject: string; prompt: string } | undefined;
    let answered = false;
    const messages = await prompt(nc, subjectOf("prompt", "globex"), "Where is my parcel?", {
      inboxPrefix,
      inactivityMs,
      onMessage: async (m) => {
        if (m.kind !== "chunk") return;
        if (m.type === "query") query = m.data as typeof query;
        // The stream stays alive while it waits: answer on the first keep-alive after the question.
        else if (m.type === "status" && query !== undefined && !answered) {
          answered = true;
          await answerQuery(nc, query.reply_subject, "A-1001");
        }
      },
    });

    expect(query).toMatchObject({
      id: expect.any(String),
      prompt: expect.stringMatching(/Which order is this about\?/),
    });
    expect(messages.at(-1)).toEqual({ kind: "terminator" });
    expect(messages.filter((m) => m.kind === "error")).toEqual([]);
    const texts = responseTexts(messages);
    expect(texts.join("")).toMatch(/resumed: identify \(by bridge-globex\)/);
    const goalId = goalIdIn(messages)!;
    const result = await log.waitForResult(goalId);
    const final = log.results.filter((r) => r.goalId === goalId).at(-1);
    expect(final).toMatchObject({ status: "ok", output: { echo: "A-1001" } });
    expect(JSON.parse(texts.at(-1)!)).toMatchObject({ echo: "A-1001" });
    expect(result.status).toBe("needs_input"); // the first result was the pause the query stood for
    expect(log.events.find((e) => e.type === "goal.resumed" && e.goalId === goalId)).toMatchObject({
      answeredBy: "bridge-globex",
    });
  });
});
