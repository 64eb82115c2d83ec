import type { GoalRecord, SubtaskState } from "@switchyard/contracts";

/**
 * The agent a subtask is (or was last) sent to: a fallback agent if the failure policy chose one, else the planned
 * one. Only this agent may report on the subtask or propose actions for it.
 */
export function assignedAgent(record: GoalRecord, subtaskId: string): string | undefined {
  const planned = record.plan?.subtasks.find((s) => s.id === subtaskId);
  if (planned === undefined) return undefined;
  const state: SubtaskState | undefined = record.subtasks[subtaskId];
  const chosen =
    state?.type === "dispatched" || state?.type === "pending"
      ? state.agent
      : state?.type === "finished"
        ? state.result.agent
        : undefined;
  return chosen ?? planned.agent;
}
