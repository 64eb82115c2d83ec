import { z } from "zod";
import { wireDocs } from "./wire-docs.ts";
import { Budget } from "./budget.ts";
import { HumanAnswer } from "./human-answer.ts";
import { AgentName, GoalId, SubtaskId, TenantId, Timestamp, UserName } from "./ids.ts";
import { WireVersion } from "./version.ts";

/** What the coordinator publishes on `<prefix>.tasks.<agent>`. */
export const SubtaskEnvelope = z
  .object({
    v: WireVersion,
    goalId: GoalId,
    subtaskId: SubtaskId,
    idempotencyKey: z
      .string()
      .min(1)
      .describe("`<goalId>/<subtaskId>`: a redelivered subtask replays its recorded result."),
    agent: AgentName,
    input: z.unknown().describe("The agent's input, with the plan's references resolved; passed its input schema."),
    upstream: z.record(SubtaskId, z.unknown()).default({}).describe("Outputs of the subtasks this one depends on."),
    budget: Budget.describe("The subtask's hard limits: the plan's, within what is left of the goal's."),
    deadline: Timestamp.describe("Absolute deadline: time spent queued counts against the budget."),
    attempt: z
      .int()
      .positive()
      .describe("1 for the first run; higher when it is sent again (retry, answer, approval)."),
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
  })
  .register(wireDocs, {
    description:
      "A subtask for one agent: what the coordinator publishes on `<prefix>.tasks.<agent>` (stream `SY_TASKS`). The " +
      "agent answers with a SubtaskResult on `<prefix>.results.<agent>`.",
  });
export type SubtaskEnvelope = z.infer<typeof SubtaskEnvelope>;
