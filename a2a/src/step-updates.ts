// A goal's step events as A2A status updates: each step the client may see becomes a `TASK_STATE_WORKING` update
// whose message says what happened and whose metadata carries the event itself.
import { randomUUID } from "node:crypto";
import { saidByItsService, type Goal, type StepEvent } from "@switchyard/contracts";
import type { TaskStatusUpdateEvent } from "./protocol.ts";
import { contextIdOf } from "./task-view.ts";

/**
 * Events that become no working update: how a goal ends or pauses is said by its result (the final status update),
 * and rejected messages or duplicates are not a step of this goal.
 */
const NOT_A_STEP = new Set<StepEvent["type"]>([
  "goal.finished",
  "goal.paused",
  "goal.cancelled",
  "goal.duplicate",
  "message.rejected",
]);

/** One line saying what a step event means. */
export function describeStep(e: StepEvent): string {
  switch (e.type) {
    case "goal.accepted":
      return `goal accepted (plan ${e.plan})`;
    case "plan.created":
      return `planned ${e.plan.subtasks.length} subtask(s): ${e.plan.subtasks.map((s) => s.id).join(", ")}`;
    case "subtask.dispatched":
      return `subtask ${e.subtaskId} sent to ${e.agent} (attempt ${e.attempt})`;
    case "subtask.started":
      return `subtask ${e.subtaskId} started on ${e.agent}`;
    case "subtask.replayed":
      return `subtask ${e.subtaskId}: ${e.agent} replayed its recorded result`;
    case "subtask.finished":
      return `subtask ${e.subtaskId} finished: ${e.status}${e.failure ? ` (${e.failure.message})` : ""}`;
    case "model.call":
      return `${e.agent}: model call ${e.model} (${e.inputTokens + e.outputTokens} tokens)`;
    case "tool.call":
      return `${e.agent}: tool ${e.tool} → ${e.outcome}`;
    case "limit.hit":
      return `subtask ${e.subtaskId} hit ${e.limit}`;
    case "proposal.created":
      return `${e.agent} proposed ${e.proposal.tool} (waits for approval)`;
    case "proposal.decided":
      return `proposal ${e.tool} ${e.status} by ${e.decidedBy}`;
    case "action.finished":
      return `action ${e.tool} ${e.status}`;
    case "goal.resumed":
      return `goal resumed by ${e.answeredBy}`;
    default:
      return e.type;
  }
}

/** The status update for a step event of `goal` from `publisher`, or `undefined` when the client is not to see it. */
export function stepUpdate(goal: Goal, publisher: string, event: StepEvent): TaskStatusUpdateEvent | undefined {
  if (event.goalId !== goal.id || NOT_A_STEP.has(event.type) || !saidByItsService(publisher, event)) return undefined;
  const contextId = contextIdOf(goal);
  return {
    taskId: goal.id,
    contextId,
    status: {
      state: "TASK_STATE_WORKING",
      message: {
        messageId: randomUUID(),
        taskId: goal.id,
        contextId,
        role: "ROLE_AGENT",
        parts: [{ text: describeStep(event) }],
      },
      timestamp: event.at,
    },
    metadata: { stepEvent: event },
  };
}
