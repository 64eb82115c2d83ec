import { z } from "zod";
import { wireDocs } from "./wire-docs.ts";
import { ActionProposal } from "./action-proposal.ts";
import { GoalId, PersonId, ProposalId, SubtaskId, TenantId, Timestamp } from "./ids.ts";
import { WireVersion } from "./version.ts";

/**
 * A proposal under review, in KV `<prefix>_approvals` under `proposal.<id>`: pending → approved / rejected / expired
 * → executed / failed. Only the approval authority (the coordinator) writes it, each change a compare-and-set write,
 * so a decision delivered twice decides once.
 */
export const ApprovalRecord = z
  .object({
    v: WireVersion,
    proposal: ActionProposal,
    tenant: TenantId.optional().describe("The tenant of the proposal's goal."),
    receivedAt: Timestamp,
    reviewBy: Timestamp.describe("A proposal still pending then is rejected automatically (expired)."),
    decisionReason: z.string().optional(),
    reviewReason: z
      .string()
      .optional()
      .describe("Why a person decides: the policy rule or cumulative limit that kept it from automatic approval."),
    autoDecided: z.boolean().default(false).describe("Decided by a validator policy rather than a person."),
    policyVersion: z
      .string()
      .optional()
      .describe("The approval policy version an automatic approval was given under: re-checked if it changed."),
    executedBy: z.string().optional().describe("The executor instance that ran it."),
    error: z.string().optional(),
  })
  .register(wireDocs, {
    description:
      "A proposal under review, in KV `<prefix>_approvals` under `proposal.<id>` (written by the coordinator only).",
  });
export type ApprovalRecord = z.infer<typeof ApprovalRecord>;

/** The approval policy in force, in KV `<prefix>_approvals` under `policy.current` (written by the coordinator). */
export const ApprovalPolicyVersion = z
  .object({
    v: WireVersion,
    version: z.string().min(1),
    since: Timestamp,
  })
  .register(wireDocs, {
    description:
      "The approval policy in force, in KV `<prefix>_approvals` under `policy.current`: the executor refuses automatic " +
      "approvals given under another version.",
  });
export type ApprovalPolicyVersion = z.infer<typeof ApprovalPolicyVersion>;

/**
 * A person's decision on a proposal, published on `<prefix>.approvals.decide.<person>` (by `switchyard approvals`).
 * The person is the subject's token, which the server pins to that person's identity.
 */
export const ApprovalDecision = z
  .object({
    v: WireVersion,
    proposalId: ProposalId,
    decision: z.enum(["approved", "rejected"]),
    decidedBy: PersonId.optional().describe("If given, must equal the `<person>` token of the subject."),
    reason: z.string().max(2_000).optional().describe("Why, in the person's words."),
    at: Timestamp,
  })
  .register(wireDocs, {
    description:
      "A person's decision on a proposal, published on `<prefix>.approvals.decide.<person>` (stream `SY_PROPOSALS`). " +
      "The person is the subject's token, which the server pins to that person's identity.",
  });
export type ApprovalDecision = z.infer<typeof ApprovalDecision>;

/** An approved action for the executor, on `<prefix>.actions.execute`: it runs only with this exact args hash. */
export const ApprovedAction = z
  .object({
    v: WireVersion,
    proposal: ActionProposal,
    tenant: TenantId,
    approvedBy: z.string().describe("The person who approved it, or `policy`."),
    approvedAt: Timestamp,
  })
  .register(wireDocs, {
    description:
      "An approved destructive action for the executor, on `<prefix>.actions.execute` (published by the coordinator " +
      "only): it runs only with this exact args hash.",
  });
export type ApprovedAction = z.infer<typeof ApprovedAction>;

/** Why the executor refused an action (it did not run). */
export const RefusalCode = z
  .enum(["not_approved", "args_changed", "unknown_action", "bad_args", "stale_policy", "bad_request"])
  .register(wireDocs, { description: "Why the executor refused an action (it did not run)." });
export type RefusalCode = z.infer<typeof RefusalCode>;

/** What the executor did, on `<prefix>.actions.outcome`: the paused goal resumes with it. */
export const ActionOutcome = z
  .object({
    v: WireVersion,
    proposalId: ProposalId,
    goalId: GoalId,
    subtaskId: SubtaskId,
    status: z.enum(["executed", "failed", "refused"]),
    code: RefusalCode.optional().describe("For `refused`: why."),
    result: z.unknown().optional().describe("What the action returned (`executed`)."),
    error: z.string().optional().describe("What went wrong (`failed`, `refused`)."),
    executor: z.string().describe("The executor instance."),
    at: Timestamp,
  })
  .register(wireDocs, {
    description:
      "What the executor did with an approved action, on `<prefix>.actions.outcome` (published by the executor only): " +
      "the paused goal resumes with it.",
  });
export type ActionOutcome = z.infer<typeof ActionOutcome>;
