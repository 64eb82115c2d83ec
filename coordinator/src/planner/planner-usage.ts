import type { GoalRecord, RunStatus, Usage } from "@switchyard/contracts";

/**
 * Puts what planning consumed on a new goal record. A running goal keeps it in `plannerUsage` (its GoalResult adds
 * it). A goal that planning already ended (refused) has its result computed: the usage, wall time included, is
 * added to it here, and `status` (a goal-budget limit planning ran into) replaces `failed`.
 */
export function withPlannerUsage(record: GoalRecord, usage: Usage | undefined, status?: RunStatus): GoalRecord {
  if (usage === undefined) return record;
  const planned: GoalRecord = { ...record, plannerUsage: usage };
  if (planned.phase.type !== "finished") return planned;
  const result = planned.phase.result;
  const total: Usage = {
    steps: result.usage.steps + usage.steps,
    inputTokens: result.usage.inputTokens + usage.inputTokens,
    outputTokens: result.usage.outputTokens + usage.outputTokens,
    costUsd: result.usage.costUsd + usage.costUsd,
    ms: result.usage.ms + usage.ms,
  };
  const next = { ...result, usage: total, status: status ?? result.status };
  return { ...planned, phase: { ...planned.phase, result: next } };
}
