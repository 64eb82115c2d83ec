import type { KV } from "@nats-io/kv";
import { SubtaskResult, type WireNames } from "@switchyard/contracts";
import { createJson, getJson } from "@switchyard/infra";

/**
 * Records each finished subtask's result in the effects ledger (KV `<prefix>_effects`, key
 * `agent.<agent>.run.<goalId>.<subtaskId>.<attempt>`, among the agent's own keys), so a redelivered subtask replays
 * its result instead of running its handler again. A new attempt (the subtask sent again after a person answered it)
 * is a new run.
 */
export type SubtaskLedger = {
  /** The recorded result, if this subtask already ran to an end. */
  find(goalId: string, subtaskId: string, attempt: number): Promise<SubtaskResult | undefined>;
  /** Records `result` unless another replica recorded one first; returns whichever result is on record. */
  record(result: SubtaskResult): Promise<SubtaskResult>;
};

/** A ledger of `agent`'s runs on the effects bucket. */
export function createSubtaskLedger(effects: KV, names: WireNames, agent: string): SubtaskLedger {
  const key = (goalId: string, subtaskId: string, attempt: number) =>
    names.keys.subtaskResult(agent, goalId, subtaskId, attempt);
  const find: SubtaskLedger["find"] = async (goalId, subtaskId, attempt) =>
    (await getJson(effects, key(goalId, subtaskId, attempt), SubtaskResult))?.value;
  return {
    find,
    async record(result) {
      const created = await createJson(
        effects,
        key(result.goalId, result.subtaskId, result.attempt),
        SubtaskResult,
        result,
      );
      if (created !== undefined) return result;
      return (await find(result.goalId, result.subtaskId, result.attempt)) ?? result;
    },
  };
}
