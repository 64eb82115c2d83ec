import { readFileSync } from "node:fs";
import { RunStatus, WIRE_VERSION, type Goal, type GoalResult, type SubtaskResult } from "@switchyard/contracts";
import { describe, expect, it } from "vitest";
import { GOAL_METADATA } from "./goal-from-message.ts";
import { TASK_STATE_OF, taskOf } from "./task-view.ts";

const goal: Goal = {
  v: WIRE_VERSION,
  id: "g1",
  tenant: "acme",
  user: "ana",
  text: "Where is my parcel?",
  plan: "ask",
  budget: {},
  metadata: { [GOAL_METADATA.messageId]: "m1" },
};
const usage = { steps: 1, inputTokens: 0, outputTokens: 0, costUsd: 0, ms: 5 };
const at = "2026-01-31T12:00:00.000Z";

function subtask(status: RunStatus, extra: Partial<SubtaskResult> = {}): SubtaskResult {
  return {
    v: WIRE_VERSION,
    goalId: "g1",
    subtaskId: "identify",
    idempotencyKey: "g1/identify",
    agent: "asker",
    instance: "asker-1",
    attempt: 1,
    status,
    usage,
    startedAt: at,
    finishedAt: at,
    ...extra,
  };
}

function result(status: RunStatus, extra: Partial<GoalResult> = {}): GoalResult {
  return {
    v: WIRE_VERSION,
    goalId: "g1",
    status,
    subtasks: [],
    usage,
    traceId: "0af7651916cd43dd8448eb211c80319c",
    pendingApprovals: [],
    finishedAt: at,
    ...extra,
  };
}

const textOf = (task: ReturnType<typeof taskOf>) =>
  (task.status.message?.parts ?? []).flatMap((p) => (p.text === undefined ? [] : [p.text])).join("\n");

describe("taskOf", () => {
  it("maps every goal status to a task state, as the README's table says", () => {
    // The README's state table: each row's statuses (backticked in the first column) and its task state.
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const documented: Record<string, string> = {};
    for (const row of readme.split("\n").filter((l) => /^\| `[a-z_]+`.*\| `TASK_STATE_/.test(l))) {
      const [statuses = "", state = ""] = row.split("|").slice(1, 3);
      for (const [, status] of statuses.matchAll(/`([a-z_]+)`/g))
        documented[status ?? ""] = state.trim().replaceAll("`", "");
    }
    expect(documented).toEqual(TASK_STATE_OF);
    for (const status of RunStatus.options) {
      expect(taskOf({ goal, result: result(status), accepted: true }).status.state).toBe(TASK_STATE_OF[status]);
    }
  });

  it("gives a completed goal's output as one JSON data artifact, and no status message", () => {
    const task = taskOf({ goal, result: result("ok", { output: { echo: "A-1" } }), accepted: true });
    expect(task).toMatchObject({ id: "g1", contextId: "g1", status: { state: "TASK_STATE_COMPLETED", timestamp: at } });
    expect(task.artifacts).toEqual([
      expect.objectContaining({
        artifactId: "output",
        parts: [{ data: { echo: "A-1" }, mediaType: "application/json" }],
      }),
    ]);
    expect(task.status.message).toBeUndefined();
  });

  it("says why a goal failed, hit a limit or was cancelled", () => {
    const failure = { kind: "tool_error" as const, message: "the API is down", subtaskId: "fetch" };
    expect(textOf(taskOf({ goal, result: result("failed", { failure }), accepted: true }))).toBe(
      "The goal ended failed: the API is down (subtask fetch).",
    );
    expect(textOf(taskOf({ goal, result: result("limit_time"), accepted: true }))).toBe("The goal ended limit_time.");
    const cancelled = taskOf({ goal, result: result("cancelled", { output: { x: 1 } }), accepted: true });
    expect(cancelled.artifacts).toBeUndefined();
    expect(textOf(cancelled)).toMatch(/^The goal was cancelled/);
  });

  it("asks a goal's open questions, in words and as data", () => {
    const asking = result("needs_input", {
      subtasks: [subtask("needs_input", { assessment: { established: [], assumed: [], unknown: ["Which order?"] } })],
    });
    const task = taskOf({ goal, result: asking, accepted: true });
    expect(task.status.state).toBe("TASK_STATE_INPUT_REQUIRED");
    expect(textOf(task)).toMatch(/- identify: Which order\?\nReply with a message on this task\./);
    expect(task.status.message?.parts[1]).toEqual({
      data: { questions: [{ subtaskId: "identify", question: "Which order?" }] },
      mediaType: "application/json",
    });
    const waiting = taskOf({ goal, result: result("needs_approval", { pendingApprovals: ["p1"] }), accepted: true });
    expect(textOf(waiting)).toMatch(/decide 1 proposed action\(s\) \(p1\).*cannot decide them/);
  });

  it("is submitted before the coordinator takes the goal, working while it runs", () => {
    expect(taskOf({ goal, accepted: false }).status.state).toBe("TASK_STATE_SUBMITTED");
    expect(taskOf({ goal, accepted: true }).status.state).toBe("TASK_STATE_WORKING");
  });

  it("keeps the client's context id, and gives the history the client asks for", () => {
    const inContext = { ...goal, metadata: { ...goal.metadata, [GOAL_METADATA.contextId]: "ctx-7" } };
    const answers = {
      identify: [{ text: "A-1", answeredBy: "a2a-acme", at }],
      other: [{ text: "A-1", answeredBy: "a2a-acme", at }], // one answer to two subtasks, said once
    };
    const task = taskOf({ goal: inContext, accepted: true, answers });
    expect(task.contextId).toBe("ctx-7");
    expect(task.history?.map((m) => [m.messageId, m.parts[0]?.text])).toEqual([
      ["m1", "Where is my parcel?"],
      ["g1-answer-1", "A-1"],
    ]);
    expect(taskOf({ goal: inContext, accepted: true, answers }, { historyLength: 1 }).history).toHaveLength(1);
    expect(taskOf({ goal: inContext, accepted: true, answers }, { historyLength: 0 }).history).toBeUndefined();
  });
});
