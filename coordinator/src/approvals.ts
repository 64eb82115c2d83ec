import type { KV } from "@nats-io/kv";
import {
  ActionProposal,
  ApprovalRecord,
  ApprovedAction,
  WIRE_VERSION,
  type ActionOutcome,
  type ApprovalDecision,
} from "@switchyard/contracts";
import { createJson, getJson, publishJson, updateJson, type Metrics } from "@switchyard/infra";
import { advanceGoal } from "./advance.ts";
import { autoApproval, type ApprovalPolicies } from "./approval-policy.ts";
import type { CoordinatorDeps } from "./deps.ts";
import { settleProposal } from "./goal-state.ts";
import { scheduleTimer } from "./goal-timers.ts";

/** Where the approval flow keeps its state and what decides automatically. */
export type ApprovalDeps = { kv: KV; policies: ApprovalPolicies; metrics?: Metrics };

type Verdict = { status: "approved" | "rejected" | "expired"; by: string; reason: string; auto: boolean };

/**
 * The approval flow, in the coordinator because it is goal state (a decision resumes a paused goal with compare-and-set
 * writes, like any result) and needs no credentials: a proposal becomes a pending record in KV `<prefix>_approvals`
 * with a review deadline; a validator policy approves it at once where configured; otherwise a person decides
 * (`switchyard approvals`), or it expires. Approved actions go to the executor, the only holder of their
 * implementations; its outcome — or a rejection — settles the proposal and the goal goes on.
 */
export function createApprovalFlow(deps: CoordinatorDeps, approvals: ApprovalDeps) {
  const { bus, logger } = deps;
  const key = (id: string) => bus.names.keys.proposal(id);

  /** pending → approved / rejected / expired, once: a second decision finds it decided and changes nothing. */
  async function decide(proposalId: string, verdict: Verdict): Promise<ApprovalRecord | undefined> {
    const now = new Date().toISOString();
    const after = await updateJson(approvals.kv, key(proposalId), ApprovalRecord, (r) =>
      r.proposal.status !== "pending"
        ? { keep: true }
        : {
            write: {
              ...r,
              proposal: { ...r.proposal, status: verdict.status, decidedBy: verdict.by, decidedAt: now },
              decisionReason: verdict.reason,
              autoDecided: verdict.auto,
            },
          },
    );
    if (!after.written) return undefined;
    approvals.metrics?.recordApproval(verdict.status);
    logger.info(
      { event: "proposal.decided", goalId: after.value.proposal.goalId, proposalId, ...verdict },
      `proposal ${verdict.status}`,
    );
    const proposal = after.value.proposal;
    if (verdict.status === "approved" && proposal.kind === "write") {
      // A write is run by the agent itself, once, when the subtask runs again with the approval.
      await settle(proposal, verdict.reason);
    } else if (verdict.status === "approved") {
      await publishJson(
        bus,
        bus.names.subjects.actionExecute,
        ApprovedAction,
        { v: WIRE_VERSION, proposal, approvedBy: verdict.by, approvedAt: now },
        { msgId: `execute/${proposalId}` },
      );
    } else {
      await settle(proposal, verdict.reason);
    }
    return after.value;
  }

  /** Settles the proposal on its goal and moves the goal on. */
  async function settle(proposal: ActionProposal, note: string): Promise<void> {
    if ((await deps.store.get(proposal.goalId)) === undefined) return;
    await deps.store.update(proposal.goalId, (r) =>
      settleProposal(r, proposal, note, new Date(), deps.failurePolicies),
    );
    await advanceGoal(proposal.goalId, deps);
  }

  return {
    /** A new proposal from an agent: record it pending (once), then let policy decide or wait for a person. */
    async onProposal(proposal: ActionProposal): Promise<void> {
      const received = new Date();
      const record: ApprovalRecord = {
        v: WIRE_VERSION,
        proposal: { ...proposal, status: "pending" },
        receivedAt: received.toISOString(),
        reviewBy: new Date(received.getTime() + approvals.policies.reviewMs).toISOString(),
        autoDecided: false,
      };
      await createJson(approvals.kv, key(proposal.id), ApprovalRecord, record);
      const current = (await getJson(approvals.kv, key(proposal.id), ApprovalRecord))?.value;
      if (current === undefined || current.proposal.status !== "pending") return;
      const why = autoApproval(approvals.policies, current.proposal);
      if (why !== undefined) {
        await decide(proposal.id, { status: "approved", by: "policy", reason: why, auto: true });
        return;
      }
      await scheduleTimer(deps, {
        goalId: proposal.goalId,
        kind: "review",
        proposalId: proposal.id,
        at: current.reviewBy,
      });
    },

    /** A person's decision. */
    async onDecision(decision: ApprovalDecision): Promise<void> {
      const exists = await getJson(approvals.kv, key(decision.proposalId), ApprovalRecord);
      if (exists === undefined) {
        logger.warn({ event: "decision.unknown", proposalId: decision.proposalId }, "decision for an unknown proposal");
        return;
      }
      await decide(decision.proposalId, {
        status: decision.decision,
        by: decision.decidedBy,
        reason: decision.reason ?? decision.decision,
        auto: false,
      });
    },

    /** The review deadline passed: a proposal still pending is rejected automatically. */
    async onReviewDue(proposalId: string): Promise<void> {
      await decide(proposalId, {
        status: "expired",
        by: "policy:expiry",
        reason: "no decision before the review deadline",
        auto: true,
      });
    },

    /** What the executor did: the proposal is settled with the action's result and the goal resumes. */
    async onOutcome(outcome: ActionOutcome): Promise<void> {
      const record = await getJson(approvals.kv, key(outcome.proposalId), ApprovalRecord);
      if (record === undefined) return;
      const status = outcome.status === "executed" ? "executed" : "failed";
      const proposal: ActionProposal = ActionProposal.parse({
        ...record.value.proposal,
        status,
        result: outcome.result,
      });
      await settle(proposal, outcome.error ?? (status === "executed" ? "executed" : "failed"));
    },
  };
}

/** The approval flow's handlers. */
export type ApprovalFlow = ReturnType<typeof createApprovalFlow>;
