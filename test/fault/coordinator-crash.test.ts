// kill -9 the coordinator while a goal is in flight; a new coordinator finishes it and nothing is lost.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startFaultStack, type FaultStack } from "../fixtures/fault-stack.ts";
import { waitForStoredResult } from "../fixtures/wait-for-goal.ts";

let stack: FaultStack;
beforeAll(async () => {
  stack = await startFaultStack({ SY_ACK_WAIT_MS: "2000" });
});
afterAll(async () => {
  await stack?.stop();
});

it("a goal completes after its coordinator is killed mid-flight", async () => {
  const first = stack.startCoordinator("coordinator-a");
  const agent = stack.startSleepy("sleepy-1");
  await Promise.all([first.ready(), agent.ready()]);

  const id = randomUUID();
  await stack.submitSlowGoal(id, 1_500);
  await stack.log.waitForEvent((e) => e.type === "subtask.started" && e.goalId === id && e.subtaskId === "first");
  await first.kill9();
  expect((await first.exited).signal).toBe("SIGKILL");

  // While no coordinator runs, the first subtask's result waits in the results stream.
  await stack.log.waitForEvent((e) => e.type === "subtask.finished" && e.goalId === id && e.subtaskId === "first");
  const second = stack.startCoordinator("coordinator-b");
  const result = await waitForStoredResult(stack.bus, id);

  expect(result.status).toBe("ok");
  expect(result.output).toMatchObject({ echo: `goal ${id}` });
  expect(result.subtasks.map((s) => s.subtaskId)).toEqual(["first", "second"]);
  expect(stack.runsOf(`${id}/first`)).toHaveLength(1);
  expect(stack.runsOf(`${id}/second`)).toHaveLength(1);
  // The second subtask was dispatched by the new coordinator.
  await second.waitForLog((l) => l.event === "subtask.dispatched" && l["goalId"] === id && l["subtaskId"] === "second");
});

it("many goals in flight across a coordinator crash all finish exactly once", async () => {
  const a = stack.startCoordinator("coordinator-c");
  await a.ready();
  const ids: string[] = Array.from({ length: 20 }, () => randomUUID());
  await Promise.all(ids.map((id) => stack.submitSlowGoal(id, 200)));
  await stack.log.waitForEvent((e) => e.type === "subtask.dispatched" && ids.includes(e.goalId));
  await a.kill9();
  stack.startCoordinator("coordinator-d");
  const results = await Promise.all(ids.map((id) => waitForStoredResult(stack.bus, id)));
  expect(results.map((r) => r.status)).toEqual(ids.map(() => "ok"));
  for (const id of ids) {
    expect(stack.runsOf(`${id}/first`)).toHaveLength(1);
    expect(stack.runsOf(`${id}/second`)).toHaveLength(1);
  }
});
