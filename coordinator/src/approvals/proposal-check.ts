import type { ActionProposal, GoalRecord, WireNames } from "@switchyard/contracts";
import { argsHashOf, proposalIdOf } from "@switchyard/infra";
import { assignedAgent } from "../subtask-assignment.ts";

/**
 * Why a proposal published by agent `sender` is refused, or `undefined` when the approval authority may record it:
 * it must be the sender's own (named agent, and the agent its subtask was dispatched to), for a goal still running,
 * and its hash, effect key and id must be what its args derive to — so no agent can propose in another's name,
 * reuse another proposal's id, or show a reviewer different args than the ones that would run.
 */
export function proposalRefusal(
  proposal: ActionProposal,
  sender: string,
  record: GoalRecord | undefined,
  names: WireNames,
): string | undefined {
  if (proposal.agent !== sender) {
    return `proposal names agent "${proposal.agent}" but was published by agent "${sender}"`;
  }
  if (record === undefined || record.goal.id !== proposal.goalId)
    return `proposal for unknown goal "${proposal.goalId}"`;
  if (record.phase.type === "finished") return `goal "${proposal.goalId}" has ended (${record.phase.result.status})`;
  const assigned = assignedAgent(record, proposal.subtaskId);
  if (assigned === undefined) return `goal "${proposal.goalId}" has no subtask "${proposal.subtaskId}"`;
  if (assigned !== sender) {
    return `subtask "${proposal.subtaskId}" of goal "${proposal.goalId}" was dispatched to agent "${assigned}", not "${sender}"`;
  }
  const hash = argsHashOf(proposal.args);
  if (hash !== proposal.argsHash) return `argsHash ${proposal.argsHash.slice(0, 12)}… is not the hash of args`;
  const key = names.keys.effect(sender, proposal.goalId, proposal.subtaskId, proposal.tool, hash);
  if (proposal.effectKey !== key) return `effectKey "${proposal.effectKey}" is not the call's key "${key}"`;
  if (proposal.id !== proposalIdOf(key)) return `id ${proposal.id} is not derived from the effect key`;
  return undefined;
}
