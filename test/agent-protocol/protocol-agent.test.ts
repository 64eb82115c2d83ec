// A protocol agent of another ecosystem, wrapped as a Switchyard specialist with `protocolAgent`: a goal through it
// completes with its answer, its error response fails the subtask with the code and description, and one that never
// answers is stopped by the subtask's wall time — not a hang. The protocol agents are the fixture's, written from the
// specification; the wrappers run as their own agent identities on the authorized bus.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { serveAgent, type ServedAgent } from "@switchyard/agent-kit";
import { callProtocolAgent, protocolAgent } from "@switchyard/agent-protocol";
import { Goal, WIRE_VERSION, type GoalResult } from "@switchyard/contracts";
import { createCoordinator, loadTemplateCatalog, type Coordinator } from "@switchyard/coordinator";
import { createLogger, identity, publishJson, type Buckets, type Bus } from "@switchyard/infra";
import { afterAll, beforeAll, expect, it } from "vitest";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import { connectRaw, connectTestBus, startTestNats, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import { ROOT } from "../fixtures/processes.ts";
import { startEchoAgent, type EchoAgent } from "../fixtures/protocol/echo-agent.ts";
import { addIdentities } from "../fixtures/protocol/protocol-identities.ts";

const logger = createLogger({ service: "test", level: "silent" });
const prefix = uniquePrefix();
const SILENT_SUBJECT = "agents.prompt.silent.ops.demo";
let server: NatsServerHandle;
let bus: Bus;
let buckets: Buckets;
let log: EventLog;
let coordinator: Coordinator;
let outside: NatsConnection;
let echo: EchoAgent;
let silent: EchoAgent;
const wrapperBuses: Bus[] = [];
const served: ServedAgent[] = [];

beforeAll(async () => {
  server = await startTestNats();
  await addIdentities(server, [identity("agent", "silent")]);
  ({ bus, buckets } = await connectTestBus(server, prefix));
  log = collectEvents(bus.nc, bus.names);
  const templates = loadTemplateCatalog(join(ROOT, "test/fixtures/protocol/templates.json"));
  coordinator = await createCoordinator({ bus, buckets, logger, templates });
  // The other ecosystem's agents: credentials its operator gave them (here the break-glass identity).
  outside = await connectRaw(server, "admin");
  echo = await startEchoAgent({ nc: outside, agent: "echo", owner: "ops", name: "demo", mode: "echo" });
  silent = await startEchoAgent({ nc: outside, agent: "silent", owner: "ops", name: "demo", mode: "silent" });
  const wrappers = [
    protocolAgent({
      name: "echo",
      description: "Echoes its prompt (a protocol agent found by discovery).",
      target: { agent: "echo", owner: "ops" },
      nats: async () => wrapperBuses[0]!.nc,
    }),
    protocolAgent({
      name: "silent",
      description: "Never answers (a protocol agent given by subject).",
      target: { subject: SILENT_SUBJECT },
      nats: async () => wrapperBuses[1]!.nc,
    }),
  ];
  for (const agent of wrappers) {
    const own = await connectTestBus(server, prefix, {}, `agent-${agent.name}`);
    wrapperBuses.push(own.bus);
    served.push(await serveAgent({ agent, bus: own.bus, buckets: own.buckets, logger }));
  }
});

afterAll(async () => {
  log?.stop();
  for (const s of served) await s.stop();
  for (const b of wrapperBuses) await b.close();
  await echo?.stop();
  await silent?.stop();
  await outside?.close();
  await coordinator?.stop();
  await bus?.close();
  await server?.stop();
});

async function runGoal(text: string, plan: string): Promise<GoalResult> {
  const goal = Goal.parse({ v: WIRE_VERSION, id: randomUUID(), tenant: "acme", user: "dana", text, plan });
  await publishJson(bus, bus.names.subjects.goalSubmit(goal.tenant), Goal, goal, { msgId: goal.id });
  return log.waitForResult(goal.id, 45_000);
}

it("runs a goal through a wrapped protocol agent and completes with its answer", async () => {
  const result = await runGoal("hello from switchyard", "protocol-echo");
  expect(result).toMatchObject({
    status: "ok",
    output: { text: "echo: hello from switchyard", subject: "agents.prompt.echo.ops.demo" },
  });
  expect(echo.prompts).toContain("hello from switchyard");
});

it("fails the subtask with the protocol agent's error code and description", async () => {
  const result = await runGoal("fail: no budget left", "protocol-echo");
  expect(result.status).toBe("failed");
  const ask = result.subtasks.find((s) => s.subtaskId === "ask");
  expect(ask?.status).toBe("failed");
  expect(ask?.failure?.message).toMatch(/agents\.prompt\.echo\.ops\.demo answered 500: echo refused: no budget left/);
});

it("stops a protocol agent that never answers at the subtask's wall time (limit_time), not a hang", async () => {
  const text = `anyone there? ${randomUUID()}`;
  const result = await runGoal(text, "protocol-silent");
  const ask = result.subtasks.find((s) => s.subtaskId === "ask");
  expect(ask?.status).toBe("limit_time");
  expect(ask?.failure).toBeUndefined();
  // It was waiting on the agent, not in a queue: the prompt reached it.
  expect(silent.prompts).toContain(text);
});

it("fails a call whose stream goes silent past the inactivity timeout, naming the timeout", async () => {
  const call = callProtocolAgent({
    nc: wrapperBuses[1]!.nc,
    subject: SILENT_SUBJECT,
    prompt: "still there?",
    signal: AbortSignal.timeout(30_000),
    inactivityMs: 300,
  });
  await expect(call).rejects.toMatchObject({
    code: "SY_ERR_PROTOCOL_STALLED",
    message: expect.stringMatching(/agents\.prompt\.silent\.ops\.demo sent nothing for 300 ms/),
  });
});

it("fails a call to a subject no protocol agent listens on at once", async () => {
  const call = callProtocolAgent({
    nc: wrapperBuses[0]!.nc,
    subject: "agents.prompt.echo.ops.nobody",
    prompt: "hello?",
    signal: AbortSignal.timeout(30_000),
  });
  await expect(call).rejects.toMatchObject({ code: "SY_ERR_PROTOCOL_NO_AGENT" });
});
