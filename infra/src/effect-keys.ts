import type { WireNames } from "@switchyard/contracts";
import { canonicalJson, sha256Hex } from "./hash.ts";

/** The hash an approval names: SHA-256 of the canonical JSON of the args. */
export function argsHashOf(args: unknown): string {
  return sha256Hex(canonicalJson(args ?? null));
}

/** One tool call of one subtask run by one agent. */
export type EffectCall = { agent: string; goalId: string; subtaskId: string; tool: string; args: unknown };

/**
 * The effect idempotency key of a call, `agent.<agent>.effect.<goalId>.<subtaskId>.<tool>.<argsHash>`: the same call
 * of the same subtask has the same key on every attempt and replica, and it lies in the agent's own ledger keys.
 */
export function effectKeyOf(names: WireNames, call: EffectCall): string {
  return names.keys.effect(call.agent, call.goalId, call.subtaskId, call.tool, argsHashOf(call.args));
}

/** The id of the proposal a call becomes: the first 32 hex characters of the SHA-256 of its effect key. */
export function proposalIdOf(effectKey: string): string {
  return sha256Hex(effectKey).slice(0, 32);
}
