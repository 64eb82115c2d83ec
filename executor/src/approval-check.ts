import type { ApprovalRecord, ApprovedAction } from "@switchyard/contracts";
import { canonicalJson, describeIssues, sha256Hex, toValidationIssues } from "@switchyard/infra";
import type { ActionDefinition } from "./define-action.ts";

/** A proposal id the executor can key KV entries by (`proposal.<id>`, `action/<id>`): dot-separated tokens. */
export const PROPOSAL_ID_PATTERN = /^[-/=\w]{1,200}(\.[-/=\w]{1,200})*$/;

/** The verdict on an approved action: run `action` with the parsed `args`, or refuse it for `reason`. */
export type ApprovalCheck = { ok: true; action: ActionDefinition; args: unknown } | { ok: false; reason: string };

/** The hash an approval names: SHA-256 of the canonical JSON of the args (as the agent kit computes it). */
export function argsHashOf(args: unknown): string {
  return sha256Hex(canonicalJson(args ?? null));
}

const refuse = (reason: string): ApprovalCheck => ({ ok: false, reason });
const short = (hash: string) => hash.slice(0, 12);

/**
 * The refusal rules, in order: the approval record exists and is `approved`; the message names the approved tool,
 * goal and subtask; its args hash to both the message's `argsHash` and the approved one (args changed after approval
 * are refused); the executor has an action for the tool; the args pass that action's input schema.
 */
export function checkApprovedAction(opts: {
  message: ApprovedAction;
  record: ApprovalRecord | undefined;
  actions: ReadonlyMap<string, ActionDefinition>;
}): ApprovalCheck {
  const { proposal } = opts.message;
  const approved = opts.record?.proposal;
  if (approved === undefined) return refuse(`proposal ${proposal.id} has no approval record`);
  if (approved.status !== "approved") return refuse(`proposal ${proposal.id} is ${approved.status}, not approved`);
  for (const field of ["tool", "goalId", "subtaskId"] as const) {
    if (proposal[field] !== approved[field]) {
      return refuse(`the message's ${field} "${proposal[field]}" is not the approved "${approved[field]}"`);
    }
  }
  const hash = argsHashOf(proposal.args);
  if (hash !== proposal.argsHash) {
    return refuse(`args do not match the message's argsHash ${short(proposal.argsHash)} (they hash to ${short(hash)})`);
  }
  if (hash !== approved.argsHash) {
    return refuse(
      `args changed after approval: they hash to ${short(hash)}, the approved args to ${short(approved.argsHash)}`,
    );
  }
  const action = opts.actions.get(proposal.tool);
  if (action === undefined) {
    const known = [...opts.actions.keys()].sort().join(", ") || "none";
    return refuse(`unknown action "${proposal.tool}" (this executor runs: ${known})`);
  }
  const args = action.input.safeParse(proposal.args);
  if (!args.success) {
    return refuse(`args break the ${proposal.tool} input schema: ${describeIssues(toValidationIssues(args.error))}`);
  }
  return { ok: true, action, args: args.data };
}
