import { z } from "zod";
import { wireDocs } from "./wire-docs.ts";
import { ActionProposal } from "./action-proposal.ts";
import { Usage } from "./budget.ts";
import { AgentName, GoalId, SubtaskId, Timestamp } from "./ids.ts";
import { ReviewMark } from "./output-review.ts";
import { Failure, RunStatus } from "./run-status.ts";
import { WireVersion } from "./version.ts";

/** What an agent knows, assumes and does not know before it answers. */
export const Assessment = z
  .object({
    established: z.array(z.string()).describe("Facts confirmed by tool results or the input."),
    assumed: z.array(z.string()).describe("Things taken as true without confirmation."),
    unknown: z.array(z.string()).describe("Open questions; critical ones end in `(critical)`."),
  })
  .register(wireDocs, { description: "What an agent knows, assumes and does not know before it answers." });
export type Assessment = z.infer<typeof Assessment>;

/** What an agent publishes on `<prefix>.results` when a subtask ends, however it ends. */
export const SubtaskResult = z
  .object({
    v: WireVersion,
    goalId: GoalId,
    subtaskId: SubtaskId,
    idempotencyKey: z.string().min(1).describe("The envelope's: `<goalId>/<subtaskId>`."),
    agent: AgentName,
    instance: z.string().min(1).describe("The agent replica that ran the subtask."),
    attempt: z.int().positive(),
    status: RunStatus,
    output: z.unknown().optional().describe("Present when status is ok; passed the agent's output schema."),
    partialOutput: z.unknown().optional().describe("What the agent had when it stopped short (limit, failure)."),
    assessment: Assessment.optional(),
    proposals: z
      .array(ActionProposal)
      .optional()
      .describe("Write or destructive calls the agent proposed instead of running (`needs_approval`)."),
    failure: Failure.optional(),
    review: ReviewMark.optional().describe(
      "Set by the coordinator when a person reviewed an output the plan held; an agent's own value is dropped.",
    ),
    usage: Usage,
    startedAt: Timestamp,
    finishedAt: Timestamp,
  })
  .register(wireDocs, {
    description:
      "What an agent publishes on `<prefix>.results.<agent>` (stream `SY_RESULTS`) when a subtask ends, however it ends.",
  });
export type SubtaskResult = z.infer<typeof SubtaskResult>;
