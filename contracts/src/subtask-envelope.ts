import { z } from "zod";
import { Budget } from "./budget.ts";
import { HumanAnswer } from "./human-answer.ts";
import { AgentName, GoalId, SubtaskId, TenantId, Timestamp, UserName } from "./ids.ts";
import { WireVersion } from "./version.ts";

/** What the coordinator publishes on `<prefix>.tasks.<agent>`. */
export const SubtaskEnvelope = z.object({
  v: WireVersion,
  goalId: GoalId,
  subtaskId: SubtaskId,
  idempotencyKey: z
    .string()
    .min(1)
    .describe("`<goalId>/<subtaskId>`: a redelivered subtask replays its recorded result."),
  agent: AgentName,
  input: z.unknown(),
  upstream: z.record(SubtaskId, z.unknown()).default({}).describe("Outputs of the subtasks this one depends on."),
  budget: Budget,
  deadline: Timestamp.describe("Absolute deadline: time spent queued counts against the budget."),
  attempt: z.int().positive(),
  approvedEffects: z
    .array(z.string())
    .optional()
    .describe("Effect keys of write calls a person approved: the agent may make exactly these calls without asking."),
  answers: z
    .array(HumanAnswer)
    .optional()
    .describe("A person's answers to this subtask's open questions, when it runs again after needs_input."),
  trustedInput: z
    .array(z.string().min(1))
    .optional()
    .describe(
      "Top-level input fields the plan vouches for (identifiers from the backend, not outside text). Every other field is untrusted data: write tools need approval from the first step.",
    ),
  tenant: TenantId,
  user: UserName,
});
export type SubtaskEnvelope = z.infer<typeof SubtaskEnvelope>;
