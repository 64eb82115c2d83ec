import type { Budget, Usage } from "@switchyard/contracts";

/** The limit statuses a run can end with. */
export type LimitStatus = "limit_steps" | "limit_tokens" | "limit_time" | "limit_cost";

/** What a piece of work consumed; an amount left out counts 0. */
export type UsageAmounts = Partial<Pick<Usage, "steps" | "inputTokens" | "outputTokens" | "costUsd">>;

/**
 * Counts what a run consumed and says when a hard limit is reached. Checked before every model call, so a run
 * overshoots a limit by at most the one call that crossed it; the model never decides when it is done.
 */
export type BudgetMeter = {
  /** What this attempt consumed (and reports in its result). */
  readonly usage: Readonly<Usage>;
  /** Model steps the run has taken, with those an earlier attempt reported: the step limit counts them all. */
  readonly steps: number;
  /** Adds one model call's consumption. */
  addCall(tokens: { inputTokens: number; outputTokens: number }, costUsd: number): void;
  /** Adds any consumption (a handler agent's `ctx.usage.record`); the amounts are assumed valid. */
  add(amounts: UsageAmounts): void;
  /** Counts a step replayed from the run's journal whose usage an earlier attempt already reported. */
  addStepReportedBefore(): void;
  /** The first limit reached, if any (time is checked against the absolute deadline). */
  exceeded(): LimitStatus | undefined;
  /** Tokens left before `maxTokens` (Infinity when unlimited). */
  tokensLeft(): number;
  /** Milliseconds left before the deadline. */
  msLeft(): number;
};

/** A meter for `budget` with the run's absolute deadline. */
export function createBudgetMeter(budget: Budget, deadlineMs: number, now: () => number = Date.now): BudgetMeter {
  const started = now();
  const usage: Usage = { steps: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, ms: 0 };
  let stepsReportedBefore = 0;
  const tokens = () => usage.inputTokens + usage.outputTokens;
  const add = (amounts: UsageAmounts) => {
    usage.steps += amounts.steps ?? 0;
    usage.inputTokens += amounts.inputTokens ?? 0;
    usage.outputTokens += amounts.outputTokens ?? 0;
    usage.costUsd += amounts.costUsd ?? 0;
  };
  return {
    get usage() {
      return { ...usage, ms: now() - started };
    },
    get steps() {
      return usage.steps + stepsReportedBefore;
    },
    addStepReportedBefore() {
      stepsReportedBefore += 1;
    },
    addCall: (t, costUsd) => add({ steps: 1, inputTokens: t.inputTokens, outputTokens: t.outputTokens, costUsd }),
    add,
    exceeded() {
      if (now() >= deadlineMs) return "limit_time";
      if (budget.maxSteps !== undefined && usage.steps + stepsReportedBefore >= budget.maxSteps) return "limit_steps";
      if (budget.maxTokens !== undefined && tokens() >= budget.maxTokens) return "limit_tokens";
      if (budget.maxCostUsd !== undefined && usage.costUsd >= budget.maxCostUsd) return "limit_cost";
      return undefined;
    },
    tokensLeft: () => (budget.maxTokens === undefined ? Number.POSITIVE_INFINITY : budget.maxTokens - tokens()),
    msLeft: () => deadlineMs - now(),
  };
}
