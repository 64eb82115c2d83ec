// Coordinator replicas on one bus: compare-and-set on KV revisions means no subtask is dispatched twice and no goal
// finishes twice; a DAG runs its independent subtasks in parallel; a replica killed mid-DAG loses nothing.
import { randomUUID } from "node:crypto";
import type { StepEvent } from "@switchyard/contracts";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startFaultStack, type FaultStack } from "../fixtures/fault-stack.ts";
import { ENTRIES } from "../fixtures/processes.ts";
import { waitForStoredResult } from "../fixtures/wait-for-goal.ts";

let stack: FaultStack;
beforeAll(async () => {
  stack = await startFaultStack({ SY_ACK_WAIT_MS: "2000" });
  await Promise.all(
    [
      stack.startCoordinator("coordinator-1"),
      stack.startCoordinator("coordinator-2"),
      stack.startService("keywords-1", ENTRIES.keywords),
      stack.startService("report-1", ENTRIES.report),
      stack.startSleepy("sleepy-1"),
    ].map((p) => p.ready()),
  );
});
afterAll(async () => {
  await stack?.stop();
});

const count = <T>(items: T[], key: (t: T) => string) => {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
};

it("two coordinators, 200 goals: every goal finishes exactly once and no subtask is dispatched twice", async () => {
  const ids: string[] = Array.from({ length: 200 }, () => randomUUID());
  await Promise.all(ids.map((id) => stack.submitGoal(id, "demo")));
  const results = await Promise.all(ids.map((id) => waitForStoredResult(stack.bus, id, 120_000)));
  expect(results.filter((r) => r.status !== "ok")).toEqual([]);

  const mine = (e: StepEvent) => "goalId" in e && e.goalId !== undefined && ids.includes(e.goalId);
  await expect
    .poll(() => stack.log.events.filter((e) => e.type === "goal.finished" && mine(e)).length, { timeout: 20_000 })
    .toBe(200);
  const events = stack.log.events.filter(mine);
  const dispatched = count(
    events.filter((e) => e.type === "subtask.dispatched"),
    (e) => (e.type === "subtask.dispatched" ? `${e.goalId}/${e.subtaskId}` : ""),
  );
  expect(dispatched.size).toBe(400);
  expect([...dispatched.values()].every((n) => n === 1)).toBe(true);
  const started = count(
    events.filter((e) => e.type === "subtask.started"),
    (e) => (e.type === "subtask.started" ? `${e.goalId}/${e.subtaskId}` : ""),
  );
  expect([...started.values()].every((n) => n === 1)).toBe(true);
  const finished = count(
    events.filter((e) => e.type === "goal.finished"),
    (e) => (e.type === "goal.finished" ? e.goalId : ""),
  );
  expect([...finished.values()].every((n) => n === 1)).toBe(true);
  expect(stack.log.results.filter((r) => ids.includes(r.goalId))).toHaveLength(200);
  // Both replicas did part of the work.
  const sources = new Set(events.filter((e) => e.type === "goal.finished").map((e) => e.source.split("/")[1]));
  expect(sources).toEqual(new Set(["coordinator-1", "coordinator-2"]));
}, 180_000);

it("a diamond DAG runs its two middle subtasks in parallel", async () => {
  const id = randomUUID();
  await stack.submitGoal(id, "diamond", { sleepMs: 1_000 });
  const result = await waitForStoredResult(stack.bus, id);
  expect(result.status).toBe("ok");
  const at = (type: StepEvent["type"], sub: string) => {
    const e = stack.log.events.find(
      (x) => x.type === type && "subtaskId" in x && x.goalId === id && x.subtaskId === sub,
    );
    return Date.parse(e?.at ?? "");
  };
  // b and c overlap: each started before the other finished.
  expect(at("subtask.started", "b")).toBeLessThan(at("subtask.finished", "c"));
  expect(at("subtask.started", "c")).toBeLessThan(at("subtask.finished", "b"));
  expect(result.usage.ms).toBeLessThan(2 * 1_000);
});

it("kill -9 one coordinator in the middle of a five-subtask DAG: the other finishes it", async () => {
  const id = randomUUID();
  await stack.submitGoal(id, "five", { sleepMs: 400 });
  // Kill the replica that is driving this goal: the one that dispatched its middle subtasks.
  const dispatch = await stack.log.waitForEvent(
    (e) => e.type === "subtask.dispatched" && e.goalId === id && e.subtaskId === "b",
  );
  const victimName = dispatch.source.split("/")[1];
  const victim = stack.processes.find((p) => p.name === victimName);
  expect(victim).toBeDefined();
  await victim?.kill9();
  const result = await waitForStoredResult(stack.bus, id, 60_000);
  expect(result.status).toBe("ok");
  expect(result.subtasks.map((s) => s.subtaskId)).toEqual(["a", "b", "c", "d", "e"]);
  for (const sub of ["a", "b", "c", "d", "e"]) expect(stack.runsOf(`${id}/${sub}`)).toHaveLength(1);
});
