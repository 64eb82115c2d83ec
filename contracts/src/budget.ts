import { z } from "zod";
import { wireDocs } from "./wire-docs.ts";

/** Hard limits for a goal or a subtask. Every field is optional: unset means "inherit from the enclosing budget". */
export const Budget = z
  .object({
    maxSteps: z.int().positive().optional().describe("Maximum model/tool steps."),
    maxTokens: z.int().positive().optional().describe("Maximum input + output tokens."),
    maxMs: z.int().positive().optional().describe("Maximum wall time in milliseconds, queue time included."),
    maxCostUsd: z.number().nonnegative().optional().describe("Maximum cost in US dollars."),
  })
  .register(wireDocs, {
    description:
      'Hard limits for a goal or a subtask. Every field is optional: unset means "inherit from the enclosing budget".',
    examples: [{ maxSteps: 20, maxMs: 60_000, maxCostUsd: 0.5 }],
  });
export type Budget = z.infer<typeof Budget>;

/** What a run consumed. */
export const Usage = z
  .object({
    steps: z.int().nonnegative().describe("Model and tool steps taken."),
    inputTokens: z.int().nonnegative().describe("Model input tokens."),
    outputTokens: z.int().nonnegative().describe("Model output tokens."),
    costUsd: z.number().nonnegative().describe("Cost in US dollars."),
    ms: z.int().nonnegative().describe("Wall time in milliseconds."),
  })
  .register(wireDocs, {
    description: "What a run (a subtask, a goal, the planner) consumed.",
    examples: [{ steps: 3, inputTokens: 1_840, outputTokens: 212, costUsd: 0.0021, ms: 2_350 }],
  });
export type Usage = z.infer<typeof Usage>;
