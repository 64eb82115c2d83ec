import { z } from "zod";
import { ActionProposal } from "./action-proposal.ts";
import { Usage } from "./budget.ts";
import { AgentName, GoalId, SubtaskId, Timestamp } from "./ids.ts";
import { ReviewMark } from "./output-review.ts";
import { Failure, RunStatus } from "./run-status.ts";
import { WireVersion } from "./version.ts";

/** What an agent knows, assumes and does not know before it answers. */
export const Assessment = z.object({
  established: z.array(z.string()),
  assumed: z.array(z.string()),
  unknown: z.array(z.string()),
});
export type Assessment = z.infer<typeof Assessment>;

/** What an agent publishes on `<prefix>.results` when a subtask ends, however it ends. */
export const SubtaskResult = z.object({
  v: WireVersion,
  goalId: GoalId,
  subtaskId: SubtaskId,
  idempotencyKey: z.string().min(1),
  agent: AgentName,
  instance: z.string().min(1).describe("The agent replica that ran the subtask."),
  attempt: z.int().positive(),
  status: RunStatus,
  output: z.unknown().optional().describe("Present when status is ok; passed the agent's output schema."),
  partialOutput: z.unknown().optional(),
  assessment: Assessment.optional(),
  proposals: z.array(ActionProposal).optional(),
  failure: Failure.optional(),
  review: ReviewMark.optional().describe(
    "Set by the coordinator when a person reviewed an output the plan held; an agent's own value is dropped.",
  ),
  usage: Usage,
  startedAt: Timestamp,
  finishedAt: Timestamp,
});
export type SubtaskResult = z.infer<typeof SubtaskResult>;
