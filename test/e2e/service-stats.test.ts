// `$SRV.STATS` (`nats micro stats`) reports the work an agent did: its subtasks come from JetStream, not through a
// micro endpoint, so its `subtasks` endpoint carries the counts, in the columns `nats micro stats` prints and in its
// `data`. Read as the operator identity, as a person would.
import { randomUUID } from "node:crypto";
import { defineAgent, serveAgent, type ServedAgent } from "@switchyard/agent-kit";
import { Goal, WIRE_VERSION } from "@switchyard/contracts";
import { createCoordinator, FailurePolicy, type Coordinator } from "@switchyard/coordinator";
import { createLogger, publishJson, type Bus } from "@switchyard/infra";
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import { connectTestBus, startTestNats, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import { endpointStatsOf, workStatsOf } from "../fixtures/service-stats.ts";

const logger = createLogger({ service: "test", level: "silent" });

const echo = defineAgent({
  name: "echo",
  version: "1.0.0",
  description: "Test fixture: echoes its text, or throws when told to.",
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string() }),
  handler: async ({ text }) => {
    if (text === "fail") throw new Error("told to fail");
    return { text };
  },
});
const templates = {
  echo: {
    description: "one echo subtask",
    subtasks: [{ id: "only", agent: "echo", input: { text: "$goal.text" }, dependsOn: [] }],
  },
};

let server: NatsServerHandle;
let prefix: string;
let admin: Bus;
let agentBus: Bus;
let operator: Bus;
let coordinator: Coordinator;
let agent: ServedAgent;
let log: EventLog;

beforeAll(async () => {
  server = await startTestNats();
  prefix = uniquePrefix();
  const stack = await connectTestBus(server, prefix);
  admin = stack.bus;
  log = collectEvents(admin.nc, admin.names);
  // No retries: one failing goal is one failed subtask.
  coordinator = await createCoordinator({
    bus: admin,
    buckets: stack.buckets,
    logger,
    templates,
    defaultPlan: "echo",
    failurePolicies: { "*": FailurePolicy.parse({ retries: 0 }) },
  });
  // The agent as its own identity: its permissions must allow the prefixed service name and the `subtasks` endpoint.
  const served = await connectTestBus(server, prefix, {}, "agent-echo");
  agentBus = served.bus;
  agent = await serveAgent({ agent: echo, bus: agentBus, buckets: served.buckets, logger });
  operator = (await connectTestBus(server, prefix, {}, "operator")).bus;
});

afterAll(async () => {
  log.stop();
  await agent?.stop();
  await coordinator?.stop();
  await operator?.close();
  await agentBus?.close();
  await admin?.close();
  await server?.stop();
});

async function runGoal(text: string): Promise<string> {
  const id = randomUUID();
  const goal = Goal.parse({ v: WIRE_VERSION, id, tenant: "acme", user: "ana", text });
  await publishJson(admin, admin.names.subjects.goalSubmit("acme"), Goal, goal, { msgId: id });
  return (await log.waitForResult(id)).status;
}

const subtaskStats = () => workStatsOf(operator.nc, admin.names.services.agent("echo"), prefix, "subtasks");

it("counts each subtask the agent handled as a request, and a failed one as an error", async () => {
  expect(admin.names.services.agent("echo")).toBe(`${prefix}-echo`);
  expect(await subtaskStats()).toMatchObject({ num_requests: 0, num_errors: 0 });

  expect(await runGoal("hello")).toBe("ok");
  const afterOk = await subtaskStats();
  expect(afterOk).toMatchObject({ num_requests: 1, num_errors: 0 });
  expect(afterOk?.last_error).toBeUndefined();
  expect(afterOk?.processing_time).toBeGreaterThan(0);
  expect(afterOk?.average_processing_time).toBe(afterOk?.processing_time);

  expect(await runGoal("fail")).toBe("failed");
  const afterFail = await subtaskStats();
  expect(afterFail).toMatchObject({ num_requests: 2, num_errors: 1 });
  expect(afterFail?.last_error).toContain("told to fail");
  expect(afterFail?.processing_time).toBeGreaterThan(afterOk?.processing_time ?? 0);

  // The columns `nats micro stats` prints say the same.
  const endpoint = await endpointStatsOf(operator.nc, admin.names.services.agent("echo"), prefix, "subtasks");
  expect(endpoint).toMatchObject({
    num_requests: 2,
    num_errors: 1,
    last_error: expect.stringContaining("told to fail"),
    processing_time: afterFail?.processing_time,
    average_processing_time: afterFail?.average_processing_time,
  });
});
