// A recorded run (its journal, as `switchyard journal <goalId> --json` exports it) replayed offline against the
// agent's current code, to reproduce a production run step by step. (To make it a fixture instead, its model
// responses become a script: `scriptFromRecordedRuns` of @switchyard/models.)
import type { ActionProposal, RecordedRun } from "@switchyard/contracts";
import { createLogger, type StepEventInput } from "@switchyard/infra";
import { ModelError } from "@switchyard/models";
import type { LlmAgentDefinition } from "./define-agent.ts";
import { createMemoryEffectsLedger, EffectEntry } from "./effects-ledger.ts";
import { runLlmAgent, type LlmRunOutcome } from "./loop/run-llm-agent.ts";
import type { ModelProvider } from "./model/types.ts";
import { createRunJournal, memoryJournalStore } from "./run-journal.ts";
import { taskTrust } from "./run-subtask.ts";

/** What a replay of a recorded run did. */
export type ReplayReport = {
  outcome: LlmRunOutcome;
  /** The step events the run emitted (model calls say `replayed`). */
  events: StepEventInput[];
  proposals: ActionProposal[];
  /**
   * Where the current code did something else than the recorded run: the journal's entry at `position` was `found`,
   * the code wanted `wanted`. Absent when the code retraced the recording.
   */
  divergence?: { position: number; found: string; wanted: string };
  /** True when the code asked the model for more than the recording holds (the run was cut short there). */
  wentPastRecording: boolean;
};

/** A model that is never to be asked: a replay that needs it went past what was recorded. */
function endOfRecording(): ModelProvider & { asked: boolean } {
  const provider = {
    name: "recording",
    asked: false,
    complete(): Promise<never> {
      provider.asked = true;
      return Promise.reject(
        new ModelError("invalid_response", "the recorded run ends here: the code asked the model for more"),
      );
    },
  };
  return provider;
}

/** The agent with write tools that refuse to run: a replay acts on nothing outside. */
function withoutWrites(agent: LlmAgentDefinition): LlmAgentDefinition {
  const refuse = () => Promise.reject(new Error("a replay never runs a write: this call is not in the recording"));
  return { ...agent, tools: agent.tools.map((t) => (t.kind === "write" ? { ...t, run: refuse } : t)) };
}

/**
 * Replays `run` against `agent` as it is now, offline: model responses and read results come from the recording,
 * write calls replay what the recorded effects ledger says they did (a write it does not hold fails instead of
 * running), and nothing reaches a model. A change in the agent's code that makes the loop call something else
 * shows as a divergence.
 */
export async function replayRecordedRun(agent: LlmAgentDefinition, run: RecordedRun): Promise<ReplayReport> {
  const events: StepEventInput[] = [];
  const proposals: ActionProposal[] = [];
  const model = endOfRecording();
  const effects = createMemoryEffectsLedger();
  for (const [key, value] of Object.entries(run.effects ?? {})) {
    const entry = EffectEntry.safeParse(value);
    if (entry.success) effects.entries.set(key, entry.data);
  }
  // Every entry is treated as paid for by an earlier attempt: a replay costs nothing.
  const journal = await createRunJournal(memoryJournalStore([...run.entries]), Number.MAX_SAFE_INTEGER);
  const outcome = await runLlmAgent({
    agent: withoutWrites(agent),
    model: { modelString: "recording", provider: model, model: "recording", price: undefined },
    input: run.task.input,
    upstream: run.task.upstream ?? {},
    answers: run.task.answers,
    approvedEffects: run.task.approvedEffects,
    budget: { ...agent.budget, maxMs: undefined },
    deadlineMs: Date.now() + 60_000,
    signal: new AbortController().signal,
    cancelled: () => false,
    goalId: run.goalId,
    tenant: "replay",
    subtaskId: run.subtaskId,
    logger: createLogger({ service: `replay/${agent.name}`, level: "silent" }),
    services: {
      emit: async (e) => void events.push(e),
      effects,
      propose: async (p) => void proposals.push(p),
    },
    journal,
    ...taskTrust(
      run.task.input,
      { upstream: run.task.upstream ?? {}, trustedInput: run.task.trustedInput },
      agent.trustedInput,
    ),
  });
  const divergence = journal.divergence();
  return {
    outcome,
    events,
    proposals,
    ...(divergence === undefined ? {} : { divergence }),
    wentPastRecording: model.asked,
  };
}
