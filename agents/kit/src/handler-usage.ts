// The budget of a handler agent that wraps another framework (LangChain, a vendor SDK, …): the handler reports what
// the framework consumed, and the kit enforces the subtask's limits from outside by aborting the handler's signal.
import type { Budget, Usage } from "@switchyard/contracts";
import { describeIssues, toValidationIssues } from "@switchyard/infra";
import { z } from "zod";
import { createBudgetMeter, type LimitStatus, type UsageAmounts } from "./loop/budget-meter.ts";

/** What a handler may record at once: every amount optional, nothing else (a misspelt field is an error). */
const UsageRecord = z.strictObject({
  steps: z.int().nonnegative().optional(),
  inputTokens: z.int().nonnegative().optional(),
  outputTokens: z.int().nonnegative().optional(),
  costUsd: z.number().nonnegative().optional(),
});

/** `ctx.usage` of a handler agent: where a handler that wraps another framework reports what it consumed. */
export type HandlerUsage = {
  /**
   * Adds what the wrapped framework consumed, e.g. `{ steps: 1, inputTokens, outputTokens }` for one model call.
   * Once a total reaches a limit of `ctx.budget` (`maxSteps`, `maxTokens`, `maxCostUsd`), `ctx.signal` aborts with
   * a {@link BudgetLimitReached} reason and the subtask ends with that limit's status and the usage recorded so far:
   * the call that crossed the limit is the last one. Throws a RangeError naming the field on a negative, fractional
   * (steps, tokens), non-finite or unknown amount.
   */
  record(amounts: UsageAmounts): void;
  /** What the handler recorded so far (without wall time). */
  readonly recorded: Readonly<Omit<Usage, "ms">>;
};

/** The reason `ctx.signal` carries when a recorded amount reached a limit of the subtask's budget. */
export class BudgetLimitReached extends Error {
  readonly limit: LimitStatus;
  constructor(limit: LimitStatus) {
    super(`budget limit reached: ${limit}`);
    this.name = "BudgetLimitReached";
    this.limit = limit;
  }
}

/** The kit's side of `ctx.usage`: what the handler is given, and what the subtask's result reports. */
export type HandlerUsageMeter = {
  /** The handler's `ctx.usage`. */
  readonly recorder: HandlerUsage;
  /** The result's usage: what was recorded, and 1 step when the handler recorded none (the handler's run is one). */
  total(): Usage;
};

/**
 * A usage meter for one handler run under `budget`. `onLimit` is called once, with the limit, when a recorded amount
 * first reaches one: the caller aborts the handler's signal with it.
 */
export function createHandlerUsageMeter(
  budget: Budget,
  deadlineMs: number,
  onLimit: (reached: BudgetLimitReached) => void,
  now: () => number = Date.now,
): HandlerUsageMeter {
  // The LLM loop's meter: the same arithmetic and the same order of limits, so both kinds of agent stop alike.
  const meter = createBudgetMeter(budget, deadlineMs, now);
  let reached: LimitStatus | undefined;
  const recorder: HandlerUsage = {
    record(amounts) {
      const parsed = UsageRecord.safeParse(amounts);
      if (!parsed.success)
        throw new RangeError(`ctx.usage.record: ${describeIssues(toValidationIssues(parsed.error))}`);
      meter.add(parsed.data);
      if (reached !== undefined) return;
      reached = meter.exceeded();
      if (reached !== undefined) onLimit(new BudgetLimitReached(reached));
    },
    get recorded() {
      const { ms: _ms, ...recorded } = meter.usage;
      return recorded;
    },
  };
  return {
    recorder,
    total() {
      const usage = meter.usage;
      return { ...usage, steps: Math.max(1, usage.steps) };
    },
  };
}
