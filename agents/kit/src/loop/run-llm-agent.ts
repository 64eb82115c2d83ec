import { createRunContext } from "./run-context.ts";
import type { LlmRunOutcome, RunLlmAgentOptions } from "./run-types.ts";
import { initialRunState } from "./run-state.ts";
import { runStep } from "./step.ts";

export type { LlmRunOutcome, RunLlmAgentOptions, RunServices } from "./run-types.ts";

/**
 * The budgeted tool loop of an LLM agent: a driver over the run's state and one step function ({@link runStep}).
 * Per step: check the hard limits → summarize every N steps → call the model → validate and carry out its tool
 * calls → detect repetition. It ends on a valid `final_answer`, a limit, a failure, a critical unknown, a proposal
 * waiting for approval, or cancellation — always with usage and the best partial output it has.
 */
export async function runLlmAgent(opts: RunLlmAgentOptions): Promise<LlmRunOutcome> {
  const ctx = createRunContext(opts);
  const state = initialRunState(opts);
  for (;;) {
    const step = await runStep(ctx, state);
    if (step.next !== "continue") return step.outcome;
  }
}
