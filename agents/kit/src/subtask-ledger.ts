import type { KV } from "@nats-io/kv";
import { SubtaskResult, type WireNames } from "@switchyard/contracts";
import { createJson, getJson } from "@switchyard/infra";

/**
 * Records each finished subtask's result in the effects ledger (KV `<prefix>_effects`, key
 * `<goalId>/<subtaskId>/<attempt>`), so a redelivered subtask replays its result instead of running its handler
 * again. A new attempt (the subtask sent again after a person answered it) is a new run.
 */
export type SubtaskLedger = {
  /** The recorded result, if this subtask already ran to an end. */
  find(goalId: string, subtaskId: string, attempt: number): Promise<SubtaskResult | undefined>;
  /** Records `result` unless another replica recorded one first; returns whichever result is on record. */
  record(result: SubtaskResult): Promise<SubtaskResult>;
};

/** A ledger on the effects bucket. */
export function createSubtaskLedger(effects: KV, names: WireNames): SubtaskLedger {
  const find: SubtaskLedger["find"] = async (goalId, subtaskId, attempt) =>
    (await getJson(effects, names.keys.subtaskResult(goalId, subtaskId, attempt), SubtaskResult))?.value;
  return {
    find,
    async record(result) {
      const key = names.keys.subtaskResult(result.goalId, result.subtaskId, result.attempt);
      const created = await createJson(effects, key, SubtaskResult, result);
      if (created !== undefined) return result;
      return (await find(result.goalId, result.subtaskId, result.attempt)) ?? result;
    },
  };
}
