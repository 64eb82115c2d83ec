// Restart nats-server (same store dir) while a goal runs: every client reconnects and the goal completes.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startFaultStack, type FaultStack } from "../fixtures/fault-stack.ts";
import { waitForStoredResult } from "../fixtures/wait-for-goal.ts";

let stack: FaultStack;
beforeAll(async () => {
  stack = await startFaultStack({ SY_ACK_WAIT_MS: "3000" });
});
afterAll(async () => {
  await stack?.stop();
});

it.each([
  ["graceful", false],
  ["kill -9", true],
])("a goal completes across a %s nats-server restart", async (_how, hard) => {
  if (!stack.server.controllable) {
    // NATS_URL points at a server this test cannot restart; the binary or Docker fallback can.
    expect(stack.server.kind).toBe("external");
    return;
  }
  if (stack.processes.length === 0) {
    const services = [stack.startCoordinator(), stack.startSleepy("sleepy-1")];
    await Promise.all(services.map((p) => p.ready()));
  }
  const id = randomUUID();
  await stack.submitSlowGoal(id, 2_000);
  await stack.log.waitForEvent((e) => e.type === "subtask.started" && e.goalId === id);
  await stack.server.restart({ hard });

  const result = await waitForStoredResult(stack.bus, id);
  expect(result.status).toBe("ok");
  expect(result.subtasks.map((s) => s.status)).toEqual(["ok", "ok"]);
  expect(stack.processes.every((p) => p.child.exitCode === null)).toBe(true);
});
