import { WIRE_VERSION, type GoalRecord, type PlannedSubtask, type SubtaskEnvelope } from "@switchyard/contracts";
import { goalDeadline } from "../goal-deadline.ts";
import { subtaskBudget } from "../goal-budget.ts";
import { resolveTemplateInput } from "../template-input.ts";

/** The envelope a dispatched subtask is sent in: its resolved input, upstream outputs, share of the budget, deadline. */
export function envelopeFor(record: GoalRecord, subtask: PlannedSubtask, defaultGoalMs: number): SubtaskEnvelope {
  const upstream: Record<string, unknown> = {};
  for (const id of subtask.dependsOn) {
    const s = record.subtasks[id];
    if (s?.type === "finished") upstream[id] = s.result.output;
  }
  const state = record.subtasks[subtask.id];
  const runningTogether = Object.values(record.subtasks).filter((s) => s.type === "dispatched").length;
  return {
    v: WIRE_VERSION,
    goalId: record.goal.id,
    subtaskId: subtask.id,
    idempotencyKey: `${record.goal.id}/${subtask.id}`,
    agent: (state?.type === "dispatched" ? state.agent : undefined) ?? subtask.agent,
    input: resolveTemplateInput(subtask.input, { goal: record.goal, upstream }),
    upstream,
    budget: subtaskBudget(record, subtask.budget, runningTogether),
    deadline: new Date(goalDeadline(record, defaultGoalMs)).toISOString(),
    attempt: state?.type === "dispatched" ? state.attempt : 1,
    answers: record.answers?.[subtask.id],
    approvedEffects: record.approvedEffects?.[subtask.id],
    trustedInput: subtask.trustedInput,
    tenant: record.goal.tenant,
    user: record.goal.user,
  };
}
