// Two replicas of one agent share a durable consumer; kill -9 the one running a subtask and the other finishes it.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startFaultStack, type FaultStack } from "../fixtures/fault-stack.ts";
import type { ServiceProcess } from "../fixtures/processes.ts";
import { waitForStoredResult } from "../fixtures/wait-for-goal.ts";

const ACK_WAIT_MS = 2_000;
let stack: FaultStack;
let replicas: ServiceProcess[];
beforeAll(async () => {
  stack = await startFaultStack({ SY_ACK_WAIT_MS: String(ACK_WAIT_MS) });
  replicas = [stack.startSleepy("sleepy-a"), stack.startSleepy("sleepy-b")];
  await Promise.all([...replicas, stack.startCoordinator()].map((p) => p.ready()));
});
afterAll(async () => {
  await stack?.stop();
});

it("the surviving replica completes the subtask after ack_wait", async () => {
  const id = randomUUID();
  await stack.submitSlowGoal(id, 4_000);
  const started = await stack.log.waitForEvent(
    (e) => e.type === "subtask.started" && e.goalId === id && e.subtaskId === "first",
  );
  const victimName = started.type === "subtask.started" ? started.instance : "";
  const victim = replicas.find((r) => r.name === victimName);
  const survivor = replicas.find((r) => r.name !== victimName);
  expect(victim).toBeDefined();
  // Kill it inside the handler, not between the started event and the handler.
  await expect.poll(() => stack.runsOf(`${id}/first`), { timeout: 10_000 }).toHaveLength(1);
  const killedAt = Date.now();
  await victim?.kill9();

  const result = await waitForStoredResult(stack.bus, id);
  expect(result.status).toBe("ok");
  const first = result.subtasks.find((s) => s.subtaskId === "first");
  expect(first?.instance).toBe(survivor?.name);
  // Redelivered only after the killed replica's ack_wait ran out (its heartbeats stopped with it).
  expect(Date.parse(first?.startedAt ?? "")).toBeGreaterThanOrEqual(killedAt + ACK_WAIT_MS - 1_000);
  // The handler started twice (the killed run never finished); the result was recorded once.
  expect(stack.runsOf(`${id}/first`).map((l) => l.split(" ")[1])).toEqual([victimName, survivor?.name]);
});

it("a long subtask is not redelivered while its replica is alive (working() heartbeats)", async () => {
  // At least one replica is alive whichever test ran before.
  expect(replicas.some((r) => r.child.exitCode === null && r.child.signalCode === null)).toBe(true);
  const id = randomUUID();
  // Three ack_wait periods long: without heartbeats the other replica would start it again.
  await stack.submitSlowGoal(id, ACK_WAIT_MS * 3);
  const result = await waitForStoredResult(stack.bus, id);
  expect(result.status).toBe("ok");
  expect(stack.runsOf(`${id}/first`)).toHaveLength(1);
});
