// The loop's guards, each a named rule over the run's context and state. The step function applies them in order;
// a guard that trips ends the run with the failure it names.
import { leafValues } from "@switchyard/infra";
import type { ToolCall, ToolResultContent } from "../model/types.ts";
import type { LimitStatus } from "./budget-meter.ts";
import type { RunContext } from "./run-context.ts";
import type { RunState } from "./run-state.ts";
import type { ToolCallOutcome } from "./tool-executor.ts";

/** Hard limits (steps, tokens, cost, time), checked before every model call: the model never decides it is done. */
export function limitReached(ctx: RunContext): LimitStatus | undefined {
  return ctx.meter.exceeded();
}

/** Summarization: every `summarizeEvery` steps the history is condensed, so the context cannot poison the run. */
export function summaryDue(ctx: RunContext, state: RunState): boolean {
  const every = ctx.loop.summarizeEvery;
  return every > 0 && ctx.meter.steps - state.lastSummaryAtStep >= every && state.messages.length > 3;
}

/**
 * Taint and known entities: once a tool's output entered the conversation, writes need a person; the values a read
 * returned become entities the run may act on.
 */
export function noteToolOutput(state: RunState, outcome: ToolCallOutcome): void {
  if (outcome.readUntrusted) state.taint ??= "the run has read untrusted tool output";
  if (outcome.output !== undefined) leafValues(outcome.output, state.knownEntities);
}

/** Invalid calls and tool errors: streaks of them, counted call by call. */
export function countStreaks(state: RunState, outcome: ToolCallOutcome): void {
  state.invalidStreak = outcome.outcome === "invalid" ? state.invalidStreak + 1 : 0;
  if (outcome.outcome === "error") state.toolErrorStreak++;
  else if (outcome.outcome === "ok") state.toolErrorStreak = 0;
}

/** Repetition: the same call again and again, or two calls alternating, is a loop. */
export function repetition(ctx: RunContext, call: ToolCall, outcome: ToolCallOutcome): string | undefined {
  if (outcome.outcome === "invalid") return undefined;
  const verdict = ctx.detector.record(call.name, call.args);
  return verdict.looping ? verdict.reason : undefined;
}

/** The streak that ended the run after a turn's tool calls, if one did, with the failure it names. */
export function streakTripped(
  ctx: RunContext,
  state: RunState,
  results: readonly ToolResultContent[],
): { kind: "invalid_tool_calls" | "tool_error"; message: string } | undefined {
  const last = results.at(-1)?.content ?? "";
  if (state.invalidStreak >= ctx.loop.maxInvalidToolCalls) {
    return {
      kind: "invalid_tool_calls",
      message: `${state.invalidStreak} consecutive invalid tool calls; last: ${last}`,
    };
  }
  if (state.toolErrorStreak >= ctx.loop.maxToolErrors) {
    return { kind: "tool_error", message: `${state.toolErrorStreak} consecutive tool failures; last: ${last}` };
  }
  return undefined;
}
