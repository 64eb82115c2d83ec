// A goal seen as an A2A task: task id = goal id, context id = goal id (or the context the client named), its state
// from the goal's result, its output as an artifact, its question or failure as the status message.
import { randomUUID } from "node:crypto";
import type { Goal, GoalRecord, GoalResult, HumanAnswer, RunStatus } from "@switchyard/contracts";
import { GOAL_METADATA } from "./goal-from-message.ts";
import type { Artifact, Message, Part, Task, TaskState } from "./protocol.ts";

/** What a task is built from: the goal and, as far as known, its latest result and the answers it was given. */
export type GoalView = {
  goal: Goal;
  /** Its latest result: final, or interim while it waits for a person. Unset while it runs. */
  result?: GoalResult;
  /** The coordinator has taken it (there is a goal record); unset: only submitted so far. */
  accepted: boolean;
  /** Answers it was given, by subtask (from its record). */
  answers?: Record<string, HumanAnswer[]>;
  /** A word on the current state, e.g. that a blocking call stopped waiting before the goal settled. */
  note?: string;
};

/** How a goal's status maps to a task's state (the README's table). */
export const TASK_STATE_OF: Record<RunStatus, TaskState> = {
  ok: "TASK_STATE_COMPLETED",
  failed: "TASK_STATE_FAILED",
  limit_steps: "TASK_STATE_FAILED",
  limit_tokens: "TASK_STATE_FAILED",
  limit_time: "TASK_STATE_FAILED",
  limit_cost: "TASK_STATE_FAILED",
  cancelled: "TASK_STATE_CANCELED",
  needs_input: "TASK_STATE_INPUT_REQUIRED",
  needs_approval: "TASK_STATE_INPUT_REQUIRED",
  needs_review: "TASK_STATE_INPUT_REQUIRED",
};

/** The view of a goal as its record holds it. */
export function viewOfRecord(record: GoalRecord): GoalView {
  return {
    goal: record.goal,
    result: record.phase.type === "running" ? undefined : record.phase.result,
    accepted: true,
    answers: record.answers,
  };
}

/** The task's state. */
export function taskStateOf(view: GoalView): TaskState {
  if (view.result !== undefined) return TASK_STATE_OF[view.result.status];
  return view.accepted ? "TASK_STATE_WORKING" : "TASK_STATE_SUBMITTED";
}

/** The task's context: the one the client named when it sent the goal, else the goal id. */
export function contextIdOf(goal: Goal): string {
  return goal.metadata?.[GOAL_METADATA.contextId] ?? goal.id;
}

/** The open questions of the subtasks that wait for input. */
export function questionsOf(result: GoalResult): Array<{ subtaskId: string; question: string }> {
  return result.subtasks
    .filter((s) => s.status === "needs_input")
    .flatMap((s) => (s.assessment?.unknown ?? []).map((question) => ({ subtaskId: s.subtaskId, question })));
}

/** What the agent says about the state, in words (and, for questions, as data): none for a plain success. */
function statusParts(view: GoalView): Part[] {
  const { result, note } = view;
  if (result === undefined) return note === undefined ? [] : [{ text: note }];
  const failure = result.failure
    ? `: ${result.failure.message}${result.failure.subtaskId ? ` (subtask ${result.failure.subtaskId})` : ""}`
    : "";
  switch (result.status) {
    case "ok":
      return [];
    case "cancelled":
      return [{ text: `The goal was cancelled${failure}.` }];
    case "needs_input": {
      const questions = questionsOf(result);
      const lines = questions.map((q) => `- ${q.subtaskId}: ${q.question}`);
      return [
        {
          text: `The goal needs an answer before it goes on:\n${lines.join("\n")}\nReply with a message on this task.`,
        },
        { data: { questions }, mediaType: "application/json" },
      ];
    }
    case "needs_approval":
      return [
        {
          text:
            `The goal waits for a person to decide ${result.pendingApprovals.length} proposed action(s) ` +
            `(${result.pendingApprovals.join(", ")}); it goes on by itself once they are decided. A message on this ` +
            "task cannot decide them.",
        },
      ];
    case "needs_review": {
      const held = result.subtasks.filter((s) => s.status === "needs_review").map((s) => s.subtaskId);
      return [
        {
          text:
            `An output of the goal waits for a person's review${held.length > 0 ? ` (${held.join(", ")})` : ""}; ` +
            "the goal goes on by itself after it. A message on this task cannot review it.",
        },
      ];
    }
    default:
      return [{ text: `The goal ended ${result.status}${failure}.` }];
  }
}

/** The goal's output as the task's artifact: one JSON data part. */
function artifactsOf(result: GoalResult | undefined): Artifact[] | undefined {
  if (result?.status !== "ok" || result.output === undefined) return undefined;
  return [
    {
      artifactId: "output",
      name: "output",
      description: "The goal's output: the result of its plan's output subtask.",
      parts: [{ data: result.output, mediaType: "application/json" }],
    },
  ];
}

/** The client's side of the exchange: the goal as sent, then each distinct answer, oldest first. */
function historyOf(view: GoalView, taskId: string, contextId: string, limit: number | undefined): Message[] {
  const { goal } = view;
  const sent: Message = {
    messageId: goal.metadata?.[GOAL_METADATA.messageId] ?? `${goal.id}-goal`,
    taskId,
    contextId,
    role: "ROLE_USER",
    parts: [{ text: goal.text }, ...(goal.input === undefined ? [] : [{ data: goal.input }])],
  };
  // One answer may have answered several subtasks: it is recorded under each, but was said once.
  const seen = new Set<string>();
  const answers = Object.values(view.answers ?? {})
    .flat()
    .sort((a, b) => a.at.localeCompare(b.at))
    .filter((a) => !seen.has(`${a.at}\n${a.text}`) && seen.add(`${a.at}\n${a.text}`));
  const said: Message[] = answers.map((a, i) => ({
    messageId: `${goal.id}-answer-${i + 1}`,
    taskId,
    contextId,
    role: "ROLE_USER",
    parts: [{ text: a.text }],
    metadata: { answeredBy: a.answeredBy, at: a.at },
  }));
  const all = [sent, ...said];
  return limit === undefined ? all : all.slice(all.length - Math.min(limit, all.length));
}

/** The goal as an A2A task. `historyLength` 0 leaves the history out; unset gives all of it (spec §3.2.4). */
export function taskOf(view: GoalView, opts: { historyLength?: number } = {}): Task {
  const { goal, result } = view;
  const contextId = contextIdOf(goal);
  const parts = statusParts(view);
  const message: Message | undefined =
    parts.length === 0 ? undefined : { messageId: randomUUID(), taskId: goal.id, contextId, role: "ROLE_AGENT", parts };
  const artifacts = artifactsOf(result);
  return {
    id: goal.id,
    contextId,
    status: {
      state: taskStateOf(view),
      ...(message === undefined ? {} : { message }),
      timestamp: result?.finishedAt ?? new Date().toISOString(),
    },
    ...(artifacts === undefined ? {} : { artifacts }),
    ...(opts.historyLength === 0 ? {} : { history: historyOf(view, goal.id, contextId, opts.historyLength) }),
    metadata: {
      goalId: goal.id,
      plan: goal.plan,
      status: result?.status ?? (view.accepted ? "running" : "submitted"),
      traceId: result?.traceId,
      usage: result?.usage,
      ...(result !== undefined && result.pendingApprovals.length > 0
        ? { pendingApprovals: result.pendingApprovals }
        : {}),
    },
  };
}
