import type { ActionProposal } from "@switchyard/contracts";
import { describeIssues, toValidationIssues } from "@switchyard/infra";
import type { ToolCall, ToolResultContent } from "../model/types.ts";
import { toAssessment } from "./final-answer.ts";
import { endRun, failRun, type RunContext } from "./run-context.ts";
import type { LlmRunOutcome } from "./run-types.ts";
import type { RunState } from "./run-state.ts";

/** What a `final_answer` call does: the run ends, or the model gets a reply and the turn goes on. */
export type FinalAnswerVerdict = { end: LlmRunOutcome } | { reply: ToolResultContent };

/**
 * The checkpoint: a valid `final_answer` ends the run `ok` — or `needs_input` when a critical unknown remains (the
 * model says what it does not know instead of guessing), `needs_approval` when the turn proposed actions. A question
 * a person already answered (a resumed run) gets the answer as the reply, and the run goes on. An invalid answer is
 * sent back to be fixed, a bounded number of times.
 */
export async function checkFinalAnswer(
  ctx: RunContext,
  state: RunState,
  call: ToolCall,
  proposals: readonly ActionProposal[],
): Promise<FinalAnswerVerdict> {
  const parsed = ctx.answerSchema.safeParse(call.args);
  if (parsed.success) {
    const { assessment, critical } = toAssessment(parsed.data.assessment);
    await ctx.opts.services.emit({ ...ctx.ids, type: "checkpoint", step: ctx.meter.steps, assessment, critical });
    state.partial = parsed.data.answer;
    const answer = critical.length > 0 ? state.answersAtPauses.shift() : undefined;
    if (answer !== undefined) {
      const unknown = critical.map((c) => `"${c}"`).join(", ");
      return {
        reply: {
          toolCallId: call.id,
          toolName: call.name,
          content: `Not final: you said ${unknown} was unknown. A person (${answer.answeredBy}) answered: ${answer.text}\nContinue, then call final_answer again.`,
          isError: false,
        },
      };
    }
    const pending = proposals.length > 0 ? [...proposals] : undefined;
    if (critical.length > 0) {
      return {
        end: endRun(ctx, state, "needs_input", {
          assessment,
          failure: undefined,
          partialOutput: parsed.data.answer,
          proposals: pending,
        }),
      };
    }
    if (pending !== undefined) {
      return {
        end: endRun(ctx, state, "needs_approval", {
          assessment,
          proposals: pending,
          partialOutput: parsed.data.answer,
        }),
      };
    }
    return { end: endRun(ctx, state, "ok", { output: parsed.data.answer, assessment }) };
  }
  state.invalidOutputs++;
  const answer = (call.args as { answer?: unknown } | undefined)?.answer;
  if (answer !== undefined) state.partial = answer;
  const problem =
    call.args === undefined ? "arguments are not valid JSON" : describeIssues(toValidationIssues(parsed.error));
  if (state.invalidOutputs > ctx.loop.maxInvalidOutputs) {
    const message = `final_answer was invalid ${state.invalidOutputs} times; last: ${problem}`;
    return { end: failRun(ctx, state, "invalid_output", message) };
  }
  return {
    reply: {
      toolCallId: call.id,
      toolName: call.name,
      content: `final_answer rejected: ${problem}. Fix it and call final_answer again.`,
      isError: true,
    },
  };
}
