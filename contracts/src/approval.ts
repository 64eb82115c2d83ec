import { z } from "zod";
import { ActionProposal } from "./action-proposal.ts";
import { GoalId, SubtaskId, Timestamp } from "./ids.ts";
import { WireVersion } from "./version.ts";

/**
 * A proposal under review, in KV `<prefix>_approvals` under `proposal.<id>`: pending → approved / rejected / expired
 * → executed / failed. Every change is a compare-and-set write, so a decision delivered twice decides once.
 */
export const ApprovalRecord = z.object({
  v: WireVersion,
  proposal: ActionProposal,
  receivedAt: Timestamp,
  reviewBy: Timestamp.describe("A proposal still pending then is rejected automatically (expired)."),
  decisionReason: z.string().optional(),
  autoDecided: z.boolean().default(false).describe("Decided by a validator policy rather than a person."),
  executedBy: z.string().optional(),
  error: z.string().optional(),
});
export type ApprovalRecord = z.infer<typeof ApprovalRecord>;

/** A person's decision on a proposal, published on `<prefix>.approvals.decide` (by `switchyard approvals`). */
export const ApprovalDecision = z.object({
  v: WireVersion,
  proposalId: z.string().min(1),
  decision: z.enum(["approved", "rejected"]),
  decidedBy: z.string().min(1).max(128),
  reason: z.string().max(2_000).optional(),
  at: Timestamp,
});
export type ApprovalDecision = z.infer<typeof ApprovalDecision>;

/** An approved action for the executor, on `<prefix>.actions.execute`: it runs only with this exact args hash. */
export const ApprovedAction = z.object({
  v: WireVersion,
  proposal: ActionProposal,
  approvedBy: z.string(),
  approvedAt: Timestamp,
});
export type ApprovedAction = z.infer<typeof ApprovedAction>;

/** What the executor did, on `<prefix>.actions.outcome`: the paused goal resumes with it. */
export const ActionOutcome = z.object({
  v: WireVersion,
  proposalId: z.string().min(1),
  goalId: GoalId,
  subtaskId: SubtaskId,
  status: z.enum(["executed", "failed", "refused"]),
  result: z.unknown().optional(),
  error: z.string().optional(),
  executor: z.string(),
  at: Timestamp,
});
export type ActionOutcome = z.infer<typeof ActionOutcome>;
