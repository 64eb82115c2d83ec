// Outputs held for review: only a person's review, sent as that person, lets a held output through. An agent that
// marks its own result as reviewed is still held; a review in another person's name, or of an output that does not
// wait for one, is refused and changes nothing; a backend may not review at all.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { Goal, OutputReview, SubtaskResult, WIRE_VERSION } from "@switchyard/contracts";
import { createCoordinator, loadTemplateCatalog, type Coordinator } from "@switchyard/coordinator";
import { createLogger, publishJson, type Buckets, type Bus } from "@switchyard/infra";
import { afterAll, beforeAll, expect, it } from "vitest";
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
let agentBus: Bus;
let personBus: Bus;
let backendBus: Bus;

beforeAll(async () => {
  server = await startTestNats();
  ({ bus, buckets } = await connectTestBus(server, prefix));
  log = collectEvents(bus.nc, bus.names);
  coordinator = await createCoordinator({
    bus,
    buckets,
    logger,
    templates: loadTemplateCatalog(join(ROOT, "test/fixtures/templates.json")),
  });
  // No sleepy agent runs: the test answers as that agent, and may try to cheat.
  ({ bus: agentBus } = await connectTestBus(server, prefix, {}, "agent-sleepy"));
  ({ bus: personBus } = await connectTestBus(server, prefix, {}, "approver-reviewer-rita"));
  ({ bus: backendBus } = await connectTestBus(server, prefix, {}, "backend-acme"));
});

afterAll(async () => {
  log?.stop();
  await coordinator?.stop();
  for (const b of [agentBus, personBus, backendBus, bus]) await b?.close();
  await server?.stop();
});

async function heldGoal(): Promise<string> {
  const id = randomUUID();
  const goal = Goal.parse({ v: WIRE_VERSION, id, tenant: "acme", user: "dana", text: "draft", plan: "held" });
  await publishJson(bus, bus.names.subjects.goalSubmit("acme"), Goal, goal, { msgId: id });
  await log.waitForEvent((e) => e.type === "subtask.dispatched" && e.goalId === id && e.subtaskId === "draft");
  // The agent's result claims a person reviewed it already.
  const now = new Date().toISOString();
  const result = SubtaskResult.parse({
    v: WIRE_VERSION,
    goalId: id,
    subtaskId: "draft",
    idempotencyKey: `${id}/draft`,
    agent: "sleepy",
    instance: "sleepy-1",
    attempt: 1,
    status: "ok",
    output: { echo: "draft", instance: "sleepy-1" },
    review: { decision: "accept", by: "reviewer-rita", at: now },
    usage: { steps: 1, inputTokens: 0, outputTokens: 0, costUsd: 0, ms: 1 },
    startedAt: now,
    finishedAt: now,
  });
  await publishJson(agentBus, agentBus.names.subjects.results("sleepy"), SubtaskResult, result);
  return id;
}

const review = (goalId: string, over: Partial<OutputReview> = {}): OutputReview =>
  OutputReview.parse({
    v: WIRE_VERSION,
    goalId,
    subtaskId: "draft",
    decision: "accept",
    at: new Date().toISOString(),
    ...over,
  });

it("holds an output whose agent claims it was reviewed; only the person's own review lets it through", async () => {
  const id = await heldGoal();
  const paused = await log.waitForResult(id);
  expect(paused.status).toBe("needs_review");
  expect(paused.subtasks.find((s) => s.subtaskId === "draft")?.review).toBeUndefined();

  // In another person's name: refused, nothing changes.
  await publishJson(
    personBus,
    personBus.names.subjects.goalReview("reviewer-rita"),
    OutputReview,
    review(id, { reviewedBy: "operator-ann" }),
  );
  await log.waitForEvent(
    (e) => e.type === "message.rejected" && e.goalId === id && /reviewedBy "operator-ann"/.test(e.reason),
  );
  // A backend may not publish reviews at all (the server's permissions).
  await expect(
    publishJson(backendBus, backendBus.names.subjects.goalReview("reviewer-rita"), OutputReview, review(id)),
  ).rejects.toThrow();

  await publishJson(personBus, personBus.names.subjects.goalReview("reviewer-rita"), OutputReview, review(id));
  await log.waitForEvent((e) => e.type === "output.reviewed" && e.goalId === id);
  expect(log.events.find((e) => e.type === "output.reviewed" && e.goalId === id)).toMatchObject({
    decision: "accept",
    reviewedBy: "reviewer-rita",
  });
  // The goal went on: the next subtask was dispatched with the reviewed output.
  await log.waitForEvent((e) => e.type === "subtask.dispatched" && e.goalId === id && e.subtaskId === "send");

  // A second review finds nothing waiting, and says so.
  await publishJson(personBus, personBus.names.subjects.goalReview("reviewer-rita"), OutputReview, review(id));
  await log.waitForEvent(
    (e) => e.type === "message.rejected" && e.goalId === id && /no output waiting for a review/.test(e.reason),
  );
});

it("refuses a rejection without a reason, naming the field", async () => {
  const id = await heldGoal();
  await log.waitForResult(id);
  const raw = { v: WIRE_VERSION, goalId: id, subtaskId: "draft", decision: "reject", at: new Date().toISOString() };
  personBus.nc.publish(personBus.names.subjects.goalReview("reviewer-rita"), JSON.stringify(raw));
  const rejected = await log.waitForEvent((e) => e.type === "message.rejected" && /reason/.test(e.reason));
  expect(rejected).toMatchObject({ type: "message.rejected" });
  expect(log.results.filter((r) => r.goalId === id).at(-1)?.status).toBe("needs_review");
});

it("rejects a held output from the CLI, and the goal ends failed with the reviewer's reason", async () => {
  const id = await heldGoal();
  await log.waitForResult(id);
  const env = { ...testEnv(server, prefix), SY_USER: "reviewer-rita" };
  // A goal that did not end ok exits 3.
  const out = await runCli(env, "review", id, "draft", "reject", "--reason", "wrong tone", "--json").then(
    () => expect.fail("expected exit code 3"),
    (err: { code: number; stdout: string }) => err,
  );
  expect(out.code).toBe(3);
  const result = JSON.parse(out.stdout) as { status: string; failure?: { kind: string; message: string } };
  expect(result).toMatchObject({ status: "failed", failure: { kind: "policy_denied" } });
  expect(result.failure?.message).toContain("output rejected by reviewer-rita: wrong tone");
});
