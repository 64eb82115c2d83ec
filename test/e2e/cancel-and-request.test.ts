// Cancellation from the CLI and the bus, and the blocking request-reply way to run a goal.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { serveAgent, type ServedAgent } from "@switchyard/agent-kit";
import { CancelReply, Goal, GoalReply, WIRE_VERSION } from "@switchyard/contracts";
import { createCoordinator, loadTemplateCatalog, type Coordinator } from "@switchyard/coordinator";
import { createLogger, publishJson, type Buckets, type Bus } from "@switchyard/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { askerAgent } from "../fixtures/agents/asker.ts";
import { sleepyAgent } from "../fixtures/agents/sleepy.ts";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import { connectTestBus, startTestNats, testEnv, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import { ROOT, runCli } from "../fixtures/processes.ts";

const logger = createLogger({ service: "test", level: "silent" });
let server: NatsServerHandle;
let bus: Bus;
let buckets: Buckets;
let log: EventLog;
let coordinator: Coordinator;
let agent: ServedAgent;
let asker: ServedAgent;
let PREFIX: string;

beforeAll(async () => {
  server = await startTestNats();
  PREFIX = uniquePrefix();
  ({ bus, buckets } = await connectTestBus(server, PREFIX));
  log = collectEvents(bus.nc, bus.names);
  const templates = loadTemplateCatalog(join(ROOT, "test/fixtures/templates.json"));
  coordinator = await createCoordinator({ bus, buckets, logger, templates, defaultPlan: "slow" });
  agent = await serveAgent({ agent: sleepyAgent, bus, buckets, logger });
  asker = await serveAgent({ agent: askerAgent, bus, buckets, logger });
});

afterAll(async () => {
  log.stop();
  await agent?.stop();
  await asker?.stop();
  await coordinator?.stop();
  await bus?.close();
  await server?.stop();
});

const slowGoal = (id: string, sleepMs: number) =>
  Goal.parse({
    v: WIRE_VERSION,
    id,
    tenant: "acme",
    user: "ana",
    text: `goal ${id}`,
    plan: "slow",
    input: { sleepMs },
  });

describe("cancellation", () => {
  it("`switchyard cancel` ends a running goal: the running subtask is aborted, the next never starts", async () => {
    const id = randomUUID();
    await publishJson(bus, bus.names.subjects.goalSubmit("acme"), Goal, slowGoal(id, 30_000), { msgId: id });
    await log.waitForEvent((e) => e.type === "subtask.started" && e.goalId === id);

    const env = testEnv(server, PREFIX);
    // Another tenant's backend cannot cancel it: to it, the goal does not exist.
    const refused = await runCli(env, "cancel", id, "--as", "backend-globex").catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused).toMatchObject({ code: expect.any(Number), stderr: expect.stringMatching(/no goal/) });
    const { stdout } = await runCli(env, "cancel", id, "--as", "backend-acme", "--reason", "customer withdrew");
    expect(stdout.trim()).toBe(`goal ${id}: cancelled`);
    const result = await log.waitForResult(id);
    expect(result.status).toBe("cancelled");
    // The agent aborted its run well before its 30 s sleep, and the dependent subtask was never dispatched.
    const finished = await log.waitForEvent((e) => e.type === "subtask.finished" && e.goalId === id, 10_000);
    expect(finished).toMatchObject({ status: "cancelled" });
    expect(log.events.some((e) => e.type === "subtask.dispatched" && e.goalId === id && e.subtaskId === "second")).toBe(
      false,
    );

    const again = await runCli(env, "cancel", id, "--as", "backend-acme");
    expect(again.stdout).toMatch(/had already ended cancelled/);
  });

  it("`switchyard cancel` of a goal paused for a person prints it cancelled, and its trace says who cancelled it", async () => {
    const id = randomUUID();
    const goal = Goal.parse({
      v: WIRE_VERSION,
      id,
      tenant: "acme",
      user: "ana",
      text: "Where is my parcel?",
      plan: "ask",
    });
    await publishJson(bus, bus.names.subjects.goalSubmit("acme"), Goal, goal, { msgId: id });
    await log.waitForEvent((e) => e.type === "goal.paused" && e.goalId === id);

    const env = testEnv(server, PREFIX);
    const { stdout } = await runCli(env, "cancel", id, "--as", "backend-acme", "--reason", "customer found it");
    expect(stdout.trim()).toBe(`goal ${id}: cancelled`);
    expect(await log.waitForEvent((e) => e.type === "goal.cancelled" && e.goalId === id)).toMatchObject({
      requestedBy: "tenant:acme",
      reason: "customer found it",
    });
    const tree = JSON.parse((await runCli(env, "trace", id, "--json")).stdout) as {
      status: string;
      children: Array<{ type: string; label: string; status?: string; detail?: string }>;
    };
    expect(tree.status).toBe("cancelled");
    expect(tree.children.map((c) => [c.type, c.status])).toEqual([
      ["subtask", "needs_input"],
      ["subtask", "skipped"],
      ["goal.paused", "needs_input"],
      ["goal.cancelled", "cancelled"],
    ]);
    expect(tree.children.at(-1)).toMatchObject({ label: "cancelled by tenant:acme", detail: "customer found it" });
  });

  it("`switchyard cancel` of an unknown goal says so at once and exits 1", async () => {
    const started = Date.now();
    const err = await runCli(testEnv(server, PREFIX), "cancel", "no-such-goal-3", "--as", "backend-acme").catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(err).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/no goal "no-such-goal-3".*SY_ERR_GOAL_UNKNOWN/),
    });
    expect(Date.now() - started).toBeLessThan(12_000); // the CLI's own start included; it waits 15 s for no reply
  });

  it("a cancel of a goal that was never accepted is refused as unknown and leaves no cancel flag", async () => {
    const id = randomUUID();
    const msg = await bus.nc.request(bus.names.subjects.goalCancel("tenant", "acme"), JSON.stringify({ goalId: id }), {
      timeout: 10_000,
    });
    expect(CancelReply.parse(msg.json())).toMatchObject({ ok: false, error: { code: "SY_ERR_GOAL_UNKNOWN" } });
    expect(await buckets.goals.get(bus.names.keys.cancel(id))).toBeNull();
  });
});

describe("request-reply", () => {
  it("blocks until the goal's result and replies with it", async () => {
    const id = randomUUID();
    const msg = await bus.nc.request(bus.names.subjects.goalRequest("acme"), JSON.stringify(slowGoal(id, 10)), {
      timeout: 30_000,
    });
    const reply = GoalReply.parse(msg.json());
    expect(reply.ok && reply.data).toMatchObject({ goalId: id, status: "ok", output: { echo: `goal ${id}` } });
  });

  it("answers an invalid goal with an error that names the field", async () => {
    const msg = await bus.nc.request(
      bus.names.subjects.goalRequest("acme"),
      JSON.stringify({ v: 1, id: "x", tenant: "acme", user: "b" }),
      {
        timeout: 10_000,
      },
    );
    const reply = GoalReply.parse(msg.json());
    expect(reply).toMatchObject({
      ok: false,
      error: { code: "SY_ERR_GOAL_INVALID", message: expect.stringMatching(/text: /) },
    });
  });
});
