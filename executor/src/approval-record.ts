import type { KV } from "@nats-io/kv";
import { ApprovalRecord, type WireNames } from "@switchyard/contracts";
import { getJson, updateJson, type CasDecision, type Logger } from "@switchyard/infra";
import type { SettledEntry } from "./action-ledger.ts";

/**
 * The record after a run: `approved` → `executed` (with the result) or `failed` (with the error). A record in any
 * other state is kept: it was settled already (by an earlier delivery) or never approved.
 */
export function recordAfterRun(
  record: ApprovalRecord,
  entry: SettledEntry,
  executedBy: string,
): CasDecision<ApprovalRecord> {
  if (record.proposal.status !== "approved") return { keep: true };
  return entry.state === "executed"
    ? { write: { ...record, proposal: { ...record.proposal, status: "executed", result: entry.result }, executedBy } }
    : { write: { ...record, proposal: { ...record.proposal, status: "failed" }, executedBy, error: entry.error } };
}

/**
 * The record after the executor gave up without running the action (a refusal, or no delivery got through): an
 * `approved` one becomes `failed` with `error`; any other is kept as it is.
 */
export function recordNotRun(record: ApprovalRecord, error: string): CasDecision<ApprovalRecord> {
  if (record.proposal.status !== "approved") return { keep: true };
  return { write: { ...record, proposal: { ...record.proposal, status: "failed" }, error } };
}

/**
 * Applies `decide` to a proposal's approval record with compare-and-set. A missing record is logged, not thrown:
 * the outcome still goes out, and retrying would not make the record appear.
 */
export async function updateApprovalRecord(
  approvals: KV,
  names: WireNames,
  proposalId: string,
  decide: (record: ApprovalRecord) => CasDecision<ApprovalRecord>,
  logger: Logger,
): Promise<void> {
  const key = names.keys.proposal(proposalId);
  if ((await getJson(approvals, key, ApprovalRecord)) === undefined) {
    logger.warn({ event: "approval.missing", key }, "no approval record to update");
    return;
  }
  await updateJson(approvals, key, ApprovalRecord, decide);
}
