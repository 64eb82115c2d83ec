import type { Budget, GoalRecord, Usage } from "@switchyard/contracts";

/** What a goal has consumed so far: its finished subtasks (every attempt's) and its planner. */
export function goalUsage(record: GoalRecord): Omit<Usage, "ms"> {
  const total = { steps: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
  const add = (u: Omit<Usage, "ms">) => {
    total.steps += u.steps;
    total.inputTokens += u.inputTokens;
    total.outputTokens += u.outputTokens;
    total.costUsd += u.costUsd;
  };
  for (const s of Object.values(record.subtasks)) if (s.type === "finished") add(s.result.usage);
  for (const u of record.spentOnFailedAttempts ?? []) add(u);
  if (record.plannerUsage !== undefined) add(record.plannerUsage);
  return total;
}

/** The limit status a goal has reached with what it consumed, if any (time is handled by the deadline timer). */
export function goalLimitReached(record: GoalRecord): "limit_steps" | "limit_tokens" | "limit_cost" | undefined {
  const b = record.goal.budget;
  const used = goalUsage(record);
  if (b.maxCostUsd !== undefined && used.costUsd >= b.maxCostUsd) return "limit_cost";
  if (b.maxTokens !== undefined && used.inputTokens + used.outputTokens >= b.maxTokens) return "limit_tokens";
  if (b.maxSteps !== undefined && used.steps >= b.maxSteps) return "limit_steps";
  return undefined;
}

/**
 * The budget a subtask dispatched now may use: the goal's remaining budget shared among the subtasks that will run
 * at the same time, narrowed by the subtask's own budget. Each result's usage is deducted as it comes back.
 */
export function subtaskBudget(record: GoalRecord, own: Budget | undefined, runningTogether: number): Budget {
  const b = record.goal.budget;
  const used = goalUsage(record);
  const share = Math.max(1, runningTogether);
  const left = (limit: number | undefined, spent: number) =>
    limit === undefined ? undefined : Math.max(0, limit - spent) / share;
  const tighter = (a: number | undefined, c: number | undefined) =>
    a === undefined ? c : c === undefined ? a : Math.min(a, c);
  const steps = left(b.maxSteps, used.steps);
  const tokens = left(b.maxTokens, used.inputTokens + used.outputTokens);
  return {
    maxSteps: tighter(own?.maxSteps, steps === undefined ? undefined : Math.max(1, Math.floor(steps))),
    maxTokens: tighter(own?.maxTokens, tokens === undefined ? undefined : Math.max(1, Math.floor(tokens))),
    maxMs: own?.maxMs,
    maxCostUsd: tighter(own?.maxCostUsd, left(b.maxCostUsd, used.costUsd)),
  };
}
