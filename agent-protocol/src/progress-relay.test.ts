import { WIRE_VERSION, type GoalResult, type StepEvent } from "@switchyard/contracts";
import { expect, it } from "vitest";
import type { GoalFollower, GoalUpdate } from "./goal-follower.ts";
import { createProgressRelay } from "./progress-relay.ts";
import type { ReplyStream } from "./reply-stream.ts";

const at = "2026-01-01T00:00:00.000Z";
const usage = { steps: 1, inputTokens: 0, outputTokens: 0, costUsd: 0, ms: 3 };
const base = { v: WIRE_VERSION, at, source: "test/1", goalId: "g1", tenant: "acme" } as const;
const finished = (subtaskId: string): StepEvent => ({
  ...base,
  type: "subtask.finished",
  subtaskId,
  agent: subtaskId,
  attempt: 1,
  status: "ok",
  usage,
});
const goalFinished: StepEvent = { ...base, type: "goal.finished", status: "ok", usage };
const result: GoalResult = {
  v: WIRE_VERSION,
  goalId: "g1",
  status: "ok",
  output: "done",
  subtasks: ["a", "b"].map((subtaskId) => ({
    v: WIRE_VERSION,
    goalId: "g1",
    subtaskId,
    idempotencyKey: `g1/${subtaskId}`,
    agent: subtaskId,
    instance: "i",
    attempt: 1,
    status: "ok" as const,
    usage,
    startedAt: at,
    finishedAt: at,
  })),
  usage,
  traceId: "1".repeat(32),
  pendingApprovals: [],
  finishedAt: at,
};

function fakes(queued: GoalUpdate[]) {
  const sent: string[] = [];
  const reply = { send: (text: string) => sent.push(text) } as unknown as ReplyStream;
  const follower: GoalFollower = {
    next: async () => queued.shift() ?? "timeout",
    putBack: (u) => void queued.unshift(u),
    close: async () => undefined,
  };
  return { sent, reply, follower, queued };
}

it("waits for the last subtask's end when the goal's result and its goal.finished came first", async () => {
  const { sent, reply, follower, queued } = fakes([{ type: "event", event: finished("b") }]);
  const relay = createProgressRelay(reply);
  relay.relay(finished("a"));
  relay.relay(goalFinished);
  await relay.settle(follower, result);
  expect(sent.join("")).toMatch(/a: finished ok in 3 ms\nb: finished ok in 3 ms\n/);
  expect(queued).toEqual([]);
});

it("leaves a later result where it was, for the stream to take next", async () => {
  const next: GoalUpdate = { type: "result", result: { ...result, status: "failed" } };
  const { reply, follower, queued } = fakes([next, { type: "event", event: finished("b") }]);
  await createProgressRelay(reply).settle(follower, result);
  expect(queued[0]).toBe(next);
});
