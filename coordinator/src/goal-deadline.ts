import type { GoalRecord } from "@switchyard/contracts";

/**
 * The absolute deadline of a goal (epoch ms): its own `deadline`, or acceptance time + its budget's wall time (the
 * default when it sets none), whichever is first. Planning, dispatch and the deadline timer all use this one.
 */
export function goalDeadline(record: Pick<GoalRecord, "goal" | "acceptedAt">, defaultGoalMs: number): number {
  const byBudget = Date.parse(record.acceptedAt) + (record.goal.budget.maxMs ?? defaultGoalMs);
  return record.goal.deadline === undefined ? byBudget : Math.min(byBudget, Date.parse(record.goal.deadline));
}
