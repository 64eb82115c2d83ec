import type { ApprovalPolicyVersion, ApprovalRecord, ApprovedAction, RefusalCode } from "@switchyard/contracts";
import { argsHashOf, describeIssues, toValidationIssues } from "@switchyard/infra";
import type { ActionDefinition } from "./define-action.ts";

/** The verdict on an approved action: run `action` with the parsed `args`, or refuse it for `reason`. */
export type ApprovalCheck =
  { ok: true; action: ActionDefinition; args: unknown } | { ok: false; code: RefusalCode; reason: string };

const refuse = (code: RefusalCode, reason: string): ApprovalCheck => ({ ok: false, code, reason });
const short = (hash: string) => hash.slice(0, 12);

/**
 * The refusal rules, in order. The execute request itself proves nothing (only the approval authority may publish it,
 * but the record is what counts): the approval record — which only the authority may write — exists and is
 * `approved`; the message names the approved tool, goal and subtask; its args hash to both the message's `argsHash`
 * and the approved one (args changed after approval are refused); an automatic approval was given under the policy
 * version in force (else it is checked again first); the executor has an action for the tool; the args pass that
 * action's input schema.
 */
export function checkApprovedAction(opts: {
  message: ApprovedAction;
  record: ApprovalRecord | undefined;
  policy: ApprovalPolicyVersion | undefined;
  actions: ReadonlyMap<string, ActionDefinition>;
}): ApprovalCheck {
  const { proposal } = opts.message;
  const record = opts.record;
  const approved = record?.proposal;
  if (record === undefined || approved === undefined) {
    return refuse("not_approved", `proposal ${proposal.id} has no approval record`);
  }
  if (approved.status !== "approved") {
    return refuse("not_approved", `proposal ${proposal.id} is ${approved.status}, not approved`);
  }
  for (const field of ["tool", "goalId", "subtaskId", "agent"] as const) {
    if (proposal[field] !== approved[field]) {
      return refuse(
        "args_changed",
        `the message's ${field} "${proposal[field]}" is not the approved "${approved[field]}"`,
      );
    }
  }
  const hash = argsHashOf(proposal.args);
  if (hash !== proposal.argsHash) {
    return refuse(
      "args_changed",
      `args do not match the message's argsHash ${short(proposal.argsHash)} (they hash to ${short(hash)})`,
    );
  }
  if (hash !== approved.argsHash) {
    return refuse(
      "args_changed",
      `args changed after approval: they hash to ${short(hash)}, the approved args to ${short(approved.argsHash)}`,
    );
  }
  if (record.autoDecided && (opts.policy === undefined || record.policyVersion !== opts.policy.version)) {
    return refuse(
      "stale_policy",
      `approved automatically under policy ${record.policyVersion ?? "(none)"}, but ${opts.policy?.version ?? "no policy"} is in force: to be checked again`,
    );
  }
  const action = opts.actions.get(proposal.tool);
  if (action === undefined) {
    const known = [...opts.actions.keys()].sort().join(", ") || "none";
    return refuse("unknown_action", `unknown action "${proposal.tool}" (this executor runs: ${known})`);
  }
  const args = action.input.safeParse(proposal.args);
  if (!args.success) {
    return refuse(
      "bad_args",
      `args break the ${proposal.tool} input schema: ${describeIssues(toValidationIssues(args.error))}`,
    );
  }
  return { ok: true, action, args: args.data };
}
