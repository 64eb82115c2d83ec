import { z } from "zod";

/** Hard limits for a goal or a subtask. Every field is optional: unset means "inherit from the enclosing budget". */
export const Budget = z.object({
  maxSteps: z.int().positive().optional().describe("Maximum model/tool steps."),
  maxTokens: z.int().positive().optional().describe("Maximum input + output tokens."),
  maxMs: z.int().positive().optional().describe("Maximum wall time in milliseconds, queue time included."),
  maxCostUsd: z.number().nonnegative().optional().describe("Maximum cost in US dollars."),
});
export type Budget = z.infer<typeof Budget>;

/** What a run consumed. */
export const Usage = z.object({
  steps: z.int().nonnegative(),
  inputTokens: z.int().nonnegative(),
  outputTokens: z.int().nonnegative(),
  costUsd: z.number().nonnegative(),
  ms: z.int().nonnegative(),
});
export type Usage = z.infer<typeof Usage>;
