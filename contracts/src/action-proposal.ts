import { z } from "zod";
import { AgentName, GoalId, SubtaskId, Timestamp } from "./ids.ts";

/** Lifecycle of a proposed action. */
export const ProposalStatus = z.enum(["pending", "approved", "rejected", "expired", "executed", "failed"]);
export type ProposalStatus = z.infer<typeof ProposalStatus>;

/** A write or destructive tool call that an agent may not run itself; the executor runs it after approval. */
export const ActionProposal = z.object({
  id: z.string().min(1),
  goalId: GoalId,
  subtaskId: SubtaskId,
  agent: AgentName,
  tool: z.string().min(1),
  args: z.unknown(),
  argsHash: z.string().min(1),
  effectKey: z
    .string()
    .optional()
    .describe("The call's effect idempotency key: an approved write runs when the agent makes this same call again."),
  reason: z.string(),
  kind: z.enum(["write", "destructive"]),
  status: ProposalStatus,
  decidedBy: z.string().optional(),
  decidedAt: Timestamp.optional(),
  result: z.unknown().optional(),
});
export type ActionProposal = z.infer<typeof ActionProposal>;
