import type { ActionProposal, Assessment, Budget, Failure, HumanAnswer, RunStatus, Usage } from "@switchyard/contracts";
import type { Logger, StepEventInput } from "@switchyard/infra";
import type { LlmAgentDefinition } from "../define-agent.ts";
import type { EffectsLedger } from "../effects-ledger.ts";
import type { ResolvedModel } from "../model/resolve-model.ts";
import type { RunJournal } from "../run-journal.ts";

// The loop's contract with the rest of the kit: what a run is given and what it returns.

/** What the loop needs from outside: where events, effects and proposals go. */
export type RunServices = {
  emit(event: StepEventInput): Promise<void>;
  effects: EffectsLedger;
  /** Publishes a proposal (destructive or escalated write call) for approval. */
  propose(proposal: ActionProposal): Promise<void>;
};

/** How an LLM run ended. */
export type LlmRunOutcome = {
  status: RunStatus;
  output?: unknown;
  partialOutput?: unknown;
  assessment?: Assessment;
  proposals?: ActionProposal[];
  failure?: Failure;
  usage: Usage;
};

/** Options of {@link runLlmAgent}. */
export type RunLlmAgentOptions = {
  agent: LlmAgentDefinition;
  model: ResolvedModel;
  input: unknown;
  upstream: Record<string, unknown>;
  /** A person's answers, when the subtask runs again after `needs_input`. */
  answers?: HumanAnswer[];
  /** Effect keys of write calls a person approved: they run without asking again. */
  approvedEffects?: string[];
  budget: Budget;
  deadlineMs: number;
  /** Aborted at the deadline or on cancellation; `cancelled()` says which. */
  signal: AbortSignal;
  cancelled: () => boolean;
  goalId: string;
  /** The goal's tenant: step events are published under it. */
  tenant: string;
  /** Who asked for the goal: traces name them (Langfuse's and LangSmith's users). */
  user?: string;
  subtaskId: string;
  logger: Logger;
  services: RunServices;
  /**
   * Why the task input is untrusted, if it is (it holds outside text: a ticket, an email, a page): write tools then
   * need approval from the first step. Default: trusted.
   */
  untrustedInput?: string;
  /** Values of the trusted input: entities the run may act on without having read them. Default: none. */
  trustedValues?: Iterable<string>;
  /**
   * The run's journal: model responses and read results are recorded as they come, and a resumed run replays them
   * instead of calling again. Without one, every run starts from step 1.
   */
  journal?: RunJournal;
};
