import type { Assessment } from "@switchyard/contracts";
import { z } from "zod";
import type { ToolSpec } from "../model/types.ts";

/** Name of the built-in tool that ends a run with a structured answer. */
export const FINAL_ANSWER = "final_answer";

const Unknown = z.object({
  question: z.string().min(1).describe("What is not known."),
  critical: z.boolean().describe("True when the answer cannot be trusted without it: the run stops and asks a person."),
});

/** The checkpoint the model must fill in with its answer. */
export const Checkpoint = z.object({
  established: z.array(z.string()).describe("Facts confirmed by tool results or the input."),
  assumed: z.array(z.string()).describe("Things taken as true without confirmation."),
  unknown: z.array(Unknown).describe("Open questions; mark the ones the answer depends on as critical."),
});

/** `final_answer`'s arguments: the answer (the agent's output schema) and the checkpoint. */
export function finalAnswerSchema(output: z.ZodType) {
  return z.object({ answer: output, assessment: Checkpoint });
}

/** The `final_answer` tool as the model sees it. */
export function finalAnswerTool(output: z.ZodType): ToolSpec {
  return {
    name: FINAL_ANSWER,
    description:
      "Finish the task. `answer` must match the required output schema. `assessment` lists what is established, " +
      "what you assumed, and what is unknown; mark an unknown critical if the answer cannot be trusted without it.",
    inputSchema: z.toJSONSchema(finalAnswerSchema(output), { io: "input", unrepresentable: "any" }),
  };
}

/** The checkpoint in SubtaskResult form, and the critical gaps. */
export function toAssessment(checkpoint: z.infer<typeof Checkpoint>): { assessment: Assessment; critical: string[] } {
  return {
    assessment: {
      established: checkpoint.established,
      assumed: checkpoint.assumed,
      unknown: checkpoint.unknown.map((u) => (u.critical ? `${u.question} (critical)` : u.question)),
    },
    critical: checkpoint.unknown.filter((u) => u.critical).map((u) => u.question),
  };
}
