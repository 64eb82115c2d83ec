import { z } from "zod";
import { wireDocs } from "./wire-docs.ts";
import { Budget } from "./budget.ts";
import { GoalId, TenantId, Timestamp, UserName } from "./ids.ts";
import { WireVersion } from "./version.ts";

/** `"llm"` for the LLM planner, or the name of a template plan known to the coordinator. */
export const PlanChoice = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be "llm" or a template name (a-z 0-9 -, starting with a letter)')
  .register(wireDocs, {
    description: "`llm` for the LLM planner, or the name of a template plan the coordinator knows.",
    examples: ["demo", "llm"],
  });
export type PlanChoice = z.infer<typeof PlanChoice>;

/** What a backend publishes on `<prefix>.goals.submit.<tenant>`. */
export const Goal = z
  .object({
    v: WireVersion,
    id: GoalId.describe("Caller-chosen goal id; the result is published on `<prefix>.goal.done.<tenant>.<id>`."),
    idempotencyKey: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe("Submitting twice with the same key runs the goal once. Defaults to the goal id."),
    tenant: TenantId.describe(
      "Tenant the goal belongs to: must equal the `<tenant>` token of the subject it was submitted on (quotas, costs, who may read and cancel it).",
    ),
    user: UserName.describe("User the goal is attributed to (quotas, costs)."),
    text: z.string().min(1).max(100_000).describe("The goal in plain words."),
    input: z.record(z.string(), z.unknown()).optional().describe("Structured input for the plan."),
    plan: PlanChoice.optional().describe("`llm` or a template plan name; unset = the coordinator's default."),
    budget: Budget.default({}).describe("Goal-wide hard limits."),
    deadline: Timestamp.optional().describe("Absolute deadline; the goal ends `limit_time` after it."),
    metadata: z
      .record(z.string(), z.string())
      .optional()
      .describe("The submitter's own string labels, kept with the goal in its record."),
  })
  .register(wireDocs, {
    description:
      "A goal: what a backend publishes on `<prefix>.goals.submit.<tenant>` (or sends as a request on " +
      "`<prefix>.goals.request.<tenant>`). Its result comes on `<prefix>.goal.done.<tenant>.<id>`.",
  });
export type Goal = z.infer<typeof Goal>;
