// A subtask that ends needs_input pauses its goal; `switchyard goals --paused` lists it; `switchyard answer` resumes it
// and the goal completes with the answer used.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { serveAgent, type ServedAgent } from "@switchyard/agent-kit";
import { Goal, GoalRecord, GoalResult, WIRE_VERSION } from "@switchyard/contracts";
import { createCoordinator, loadTemplateCatalog, type Coordinator } from "@switchyard/coordinator";
import { createLogger, getJson, publishJson, type Buckets, type Bus } from "@switchyard/infra";
import { afterAll, beforeAll, expect, it } from "vitest";
import { askerAgent } from "../fixtures/agents/asker.ts";
import { sleepyAgent } from "../fixtures/agents/sleepy.ts";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import { connectTestBus, startTestNats, testEnv, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import { ROOT, runCli } from "../fixtures/processes.ts";

const logger = createLogger({ service: "test", level: "silent" });
const prefix = uniquePrefix();
let server: NatsServerHandle;
let bus: Bus;
let buckets: Buckets;
let log: EventLog;
let coordinator: Coordinator;
const agents: ServedAgent[] = [];

beforeAll(async () => {
  server = await startTestNats();
  ({ bus, buckets } = await connectTestBus(server, prefix));
  log = collectEvents(bus.nc, bus.names);
  const templates = loadTemplateCatalog(join(ROOT, "test/fixtures/templates.json"));
  coordinator = await createCoordinator({ bus, buckets, logger, templates });
  for (const agent of [askerAgent, sleepyAgent]) agents.push(await serveAgent({ agent, bus, buckets, logger }));
});

afterAll(async () => {
  log.stop();
  for (const a of agents) await a.stop();
  await coordinator?.stop();
  await bus?.close();
  await server?.stop();
});

const cli = (...args: string[]) => runCli({ ...testEnv(server, prefix), SY_USER: "operator-ann" }, ...args);

it("pauses on needs_input, lists the question, and completes after an answer from the CLI", async () => {
  const id = randomUUID();
  const goal = Goal.parse({
    v: WIRE_VERSION,
    id,
    tenant: "acme",
    user: "dana",
    text: "Where is my parcel?",
    plan: "ask",
  });
  await publishJson(bus, bus.names.subjects.goalSubmit(goal.tenant), Goal, goal, { msgId: id });

  const interim = await log.waitForResult(id);
  expect(interim.status).toBe("needs_input");
  await log.waitForEvent((e) => e.type === "goal.paused" && e.goalId === id);
  const record = await getJson(buckets.goals, bus.names.keys.goal(id), GoalRecord);
  expect(record?.value.phase.type).toBe("paused");
  expect(record?.value.subtasks["echo"]).toEqual({ type: "pending" }); // waits for the paused subtask

  const listed = JSON.parse((await cli("goals", "--paused", "--json")).stdout) as Array<{
    goalId: string;
    questions: unknown[];
  }>;
  expect(listed.find((g) => g.goalId === id)).toMatchObject({
    status: "needs_input",
    questions: [{ subtaskId: "identify", question: "Which order is this about? (critical)" }],
  });

  const { stdout } = await cli("answer", id, "A-1001", "--json");
  const final = GoalResult.parse(JSON.parse(stdout));
  expect(final).toMatchObject({ goalId: id, status: "ok", output: { echo: "A-1001" } });
  const identify = final.subtasks.find((s) => s.subtaskId === "identify");
  expect(identify).toMatchObject({ status: "ok", attempt: 2, output: { order: "A-1001" } });
  expect(log.events.find((e) => e.type === "goal.resumed" && e.goalId === id)).toMatchObject({
    subtaskIds: ["identify"],
    answeredBy: "operator-ann",
  });

  // Nothing waits any more: a second answer is refused with a clear message.
  const again = await cli("answer", id, "A-2002").catch((e: { code: number; stderr: string }) => e);
  expect(again).toMatchObject({
    code: 3,
    stderr: expect.stringMatching(/is not waiting for input \(it is finished\)/),
  });
});
