import type { ActionProposal } from "@switchyard/contracts";
import type { ModelResponse, ToolResultContent } from "../model/types.ts";
import { condensedHistory, summaryRequest } from "./summarizer.ts";
import { checkFinalAnswer } from "./final-answer-turn.ts";
import { FINAL_ANSWER } from "./final-answer.ts";
import { countStreaks, limitReached, noteToolOutput, repetition, streakTripped, summaryDue } from "./guards.ts";
import { callModel, maxOutputTokens } from "./model-turn.ts";
import { endRun, failRun, limitHit, type RunContext } from "./run-context.ts";
import type { LlmRunOutcome } from "./run-types.ts";
import type { RunState } from "./run-state.ts";
import { runToolCall } from "./tool-turn.ts";

/** What one step leads to: another step, or the end of the run and how. */
export type StepResult =
  | { next: "continue" }
  | { next: "answer"; outcome: LlmRunOutcome }
  | { next: "pause"; outcome: LlmRunOutcome }
  | { next: "limit"; outcome: LlmRunOutcome }
  | { next: "fail"; outcome: LlmRunOutcome }
  | { next: "cancelled"; outcome: LlmRunOutcome };

/** The step result an outcome means. */
function ended(outcome: LlmRunOutcome): StepResult {
  switch (outcome.status) {
    case "ok":
      return { next: "answer", outcome };
    case "needs_input":
    case "needs_approval":
      return { next: "pause", outcome };
    case "cancelled":
      return { next: "cancelled", outcome };
    case "failed":
      return { next: "fail", outcome };
    default:
      return { next: "limit", outcome };
  }
}

const CONTINUE: StepResult = { next: "continue" };

/**
 * One step of the loop: the guards that end a run before a model call (cancellation, hard limits), a summary when
 * one is due, or a model turn and its tool calls with the guards that end a run after them (final answer,
 * repetition, streaks of invalid calls or tool errors, a proposal waiting for a person).
 */
export async function runStep(ctx: RunContext, state: RunState): Promise<StepResult> {
  if (ctx.opts.cancelled()) return ended(endRun(ctx, state, "cancelled"));
  const limit = limitReached(ctx);
  if (limit !== undefined) return ended(await limitHit(ctx, state, limit));
  if (summaryDue(ctx, state)) return summarize(ctx, state);

  const { opts } = ctx;
  const response = await callModel(ctx, state, "step", {
    model: opts.model.model,
    system: opts.agent.instructions,
    messages: state.messages,
    tools: ctx.toolSpecs,
    toolChoice: "required",
    maxOutputTokens: maxOutputTokens(ctx),
    signal: opts.signal,
  });
  if ("status" in response) return ended(response);
  state.messages = [...state.messages, { role: "assistant", text: response.text, toolCalls: response.toolCalls }];
  if (response.text !== "") state.partial ??= { notes: response.text };
  return response.toolCalls.length === 0 ? noToolCall(ctx, state) : toolCalls(ctx, state, response);
}

/** Condenses the history (its own model call), then the loop goes on. */
async function summarize(ctx: RunContext, state: RunState): Promise<StepResult> {
  state.lastSummaryAtStep = ctx.meter.steps + 1;
  const before = state.messages.length;
  const request = summaryRequest({
    model: ctx.opts.model.model,
    messages: state.messages,
    maxOutputTokens: maxOutputTokens(ctx),
    signal: ctx.opts.signal,
  });
  const summarized = await callModel(ctx, state, "summary", request);
  if ("status" in summarized) return ended(summarized);
  const condensed = condensedHistory(state.messages, summarized);
  if (condensed !== undefined) {
    state.messages = condensed;
    await ctx.opts.services.emit({
      ...ctx.ids,
      type: "context.summarized",
      step: ctx.meter.steps,
      messagesBefore: before,
      messagesAfter: condensed.length,
    });
  }
  return CONTINUE;
}

/** A turn without a tool call: asked again for one, a bounded number of times. */
function noToolCall(ctx: RunContext, state: RunState): StepResult {
  state.invalidStreak++;
  if (state.invalidStreak >= ctx.loop.maxInvalidToolCalls) {
    const message = `${state.invalidStreak} consecutive turns without a valid tool call`;
    return ended(failRun(ctx, state, "invalid_tool_calls", message));
  }
  state.messages = [
    ...state.messages,
    { role: "user", content: "Reply with a tool call: use the tools, or call final_answer when you are done." },
  ];
  return CONTINUE;
}

/** Carries out a turn's tool calls in order; every call gets a result back to the model. */
async function toolCalls(ctx: RunContext, state: RunState, response: ModelResponse): Promise<StepResult> {
  const results: ToolResultContent[] = [];
  const proposals: ActionProposal[] = [];
  for (const call of response.toolCalls) {
    if (call.name === FINAL_ANSWER) {
      const verdict = await checkFinalAnswer(ctx, state, call, proposals);
      if ("end" in verdict) return ended(verdict.end);
      results.push(verdict.reply);
      continue;
    }
    const outcome = await runToolCall(ctx, state, call, response.text);
    results.push({ toolCallId: call.id, toolName: call.name, content: outcome.content, isError: outcome.isError });
    noteToolOutput(state, outcome);
    countStreaks(state, outcome);
    if (outcome.proposal !== undefined) {
      proposals.push(outcome.proposal);
      await ctx.opts.services.propose(outcome.proposal);
      await ctx.opts.services.emit({ ...ctx.ids, type: "proposal.created", proposal: outcome.proposal });
    }
    const looping = repetition(ctx, call, outcome);
    if (looping !== undefined) return ended(failRun(ctx, state, "loop", looping));
  }
  state.messages = [...state.messages, { role: "tool", results }];
  if (proposals.length > 0) return ended(endRun(ctx, state, "needs_approval", { proposals }));
  const streak = streakTripped(ctx, state, results);
  return streak === undefined ? CONTINUE : ended(failRun(ctx, state, streak.kind, streak.message));
}
