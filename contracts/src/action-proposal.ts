import { z } from "zod";
import { wireDocs } from "./wire-docs.ts";
import { AgentName, GoalId, ProposalId, SubtaskId, Timestamp } from "./ids.ts";

/** Lifecycle of a proposed action. */
export const ProposalStatus = z
  .enum(["pending", "approved", "rejected", "expired", "executed", "failed"])
  .register(wireDocs, {
    description: "Lifecycle of a proposed action: pending → approved / rejected / expired → executed / failed.",
  });
export type ProposalStatus = z.infer<typeof ProposalStatus>;

/** A write or destructive tool call that an agent may not run itself; the executor runs it after approval. */
export const ActionProposal = z
  .object({
    id: ProposalId.describe("The first 32 hex characters of the SHA-256 of `effectKey`."),
    goalId: GoalId,
    subtaskId: SubtaskId,
    agent: AgentName,
    tool: z.string().min(1).describe("The tool the agent called."),
    args: z.unknown().describe("The call's arguments; an approved call runs with exactly these (see `argsHash`)."),
    argsHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "must be the SHA-256 (hex) of the canonical JSON of args")
      .describe("The SHA-256 (hex) of the canonical JSON of `args`."),
    effectKey: z
      .string()
      .min(1)
      .max(1_024)
      .describe(
        "The call's effect idempotency key, `agent.<agent>.effect.<goalId>.<subtaskId>.<tool>.<argsHash>`: an approved write runs when the agent makes this same call again.",
      ),
    reason: z.string().max(4_000).describe("Why the agent made the call (its text of that turn), for the reviewer."),
    kind: z
      .enum(["write", "destructive"])
      .describe(
        "`write`: once approved, it runs when the agent makes the call again; `destructive`: the executor runs it.",
      ),
    status: ProposalStatus,
    decidedBy: z
      .string()
      .optional()
      .describe("The authenticated person who decided (from the decision's subject), or `policy` / `policy:expiry`."),
    decidedAt: Timestamp.optional(),
    result: z.unknown().optional().describe("What running the action returned (`executed`)."),
  })
  .register(wireDocs, {
    description:
      "A write or destructive tool call that an agent may not run itself, published on `<prefix>.proposals.<agent>` " +
      "(stream `SY_PROPOSALS`). A person (or a policy rule) approves or rejects it; once approved, a write runs when the " +
      "subtask runs again, a destructive action in the executor.",
  });
export type ActionProposal = z.infer<typeof ActionProposal>;
