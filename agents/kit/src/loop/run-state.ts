import type { HumanAnswer } from "@switchyard/contracts";
import type { ChatMessage } from "../model/types.ts";
import { renderTask } from "./render-task.ts";
import type { RunLlmAgentOptions } from "./run-types.ts";

/**
 * Everything a run learns as it goes, in one place. It is a function of the task and of what the model and the tools
 * returned, in order — which is what the run journal holds — so a run resumed from its journal rebuilds it exactly.
 */
export type RunState = {
  /** The conversation so far (summarized every N steps). */
  messages: ChatMessage[];
  /** The best answer so far, returned as `partialOutput` when the run does not end ok. */
  partial: unknown;
  /** Consecutive turns without a valid tool call. */
  invalidStreak: number;
  /** `final_answer` calls that broke the output schema. */
  invalidOutputs: number;
  /** Consecutive tool calls that failed. */
  toolErrorStreak: number;
  /** The step at which the history was last summarized. */
  lastSummaryAtStep: number;
  /** Why write tools need a person, once untrusted text entered the run (input, or a tool's output). */
  taint: string | undefined;
  /** Values the run may act on: the trusted input's, and every value a read tool returned. */
  knownEntities: Set<string>;
  /** A resumed run's answers, each taken at the question it paused on. */
  answersAtPauses: HumanAnswer[];
};

/**
 * The state at step 0. A resumed run meets each question it paused on again and takes the answer there, as the reply
 * to that question; a run starting afresh reads every answer in its task.
 */
export function initialRunState(opts: RunLlmAgentOptions): RunState {
  const resuming = opts.journal?.resuming === true;
  return {
    messages: [{ role: "user", content: renderTask(opts.input, opts.upstream, resuming ? [] : opts.answers) }],
    partial: undefined,
    invalidStreak: 0,
    invalidOutputs: 0,
    toolErrorStreak: 0,
    lastSummaryAtStep: 0,
    taint: opts.untrustedInput,
    knownEntities: new Set(opts.trustedValues ?? []),
    answersAtPauses: resuming ? [...(opts.answers ?? [])] : [],
  };
}
