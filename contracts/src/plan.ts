import { z } from "zod";
import { wireDocs } from "./wire-docs.ts";
import { Budget } from "./budget.ts";
import { AgentName, SubtaskId } from "./ids.ts";

/** The most subtasks one plan may hold. */
export const MAX_PLAN_SUBTASKS = 50;

/** One node of a plan's DAG. */
export const PlannedSubtask = z
  .object({
    id: SubtaskId,
    agent: AgentName,
    input: z.unknown().describe("The agent's input; must pass the agent's input schema."),
    dependsOn: z.array(SubtaskId).default([]),
    budget: Budget.optional(),
    review: z
      .enum(["always", "when-assumed"])
      .optional()
      .describe(
        "Hold the subtask's finished output for a person before the goal goes on: `always`, or `when-assumed` (only " +
          "when its checkpoint lists assumptions). The person accepts, edits or rejects it.",
      ),
    trustedInput: z
      .array(z.string().min(1))
      .optional()
      .describe(
        "Top-level input fields that hold identifiers the backend vouches for (e.g. `orderId` from `$goal.input`), not outside text; the agent treats every other field as untrusted data.",
      ),
  })
  .register(wireDocs, {
    description:
      "One node of a plan's DAG: an agent, its input (`$goal.text`, `$goal.input.<path>` and " +
      "`$upstream.<subtaskId>.<path>` references are resolved at dispatch) and the subtasks it waits for (`dependsOn`).",
  });
export type PlannedSubtask = z.infer<typeof PlannedSubtask>;

/** A DAG of subtasks. Shape rules live here; existence of agents and acyclicity are checked by the coordinator. */
export const Plan = z
  .object({
    subtasks: z.array(PlannedSubtask).min(1).max(MAX_PLAN_SUBTASKS),
    output: SubtaskId.optional().describe("The subtask whose output is the goal's output; default: the only sink."),
  })
  .superRefine((plan, ctx) => {
    const ids = new Set<string>();
    plan.subtasks.forEach((s, i) => {
      if (ids.has(s.id))
        ctx.addIssue({ code: "custom", path: ["subtasks", i, "id"], message: `duplicate id "${s.id}"` });
      ids.add(s.id);
    });
    plan.subtasks.forEach((s, i) =>
      s.dependsOn.forEach((d, j) => {
        if (!ids.has(d))
          ctx.addIssue({ code: "custom", path: ["subtasks", i, "dependsOn", j], message: `unknown subtask "${d}"` });
      }),
    );
    if (plan.output !== undefined && !ids.has(plan.output))
      ctx.addIssue({ code: "custom", path: ["output"], message: `unknown subtask "${plan.output}"` });
  })
  .register(wireDocs, {
    description:
      "A DAG of 1-50 subtasks. Ids must be unique and `dependsOn` must name subtasks of the plan: the coordinator " +
      "checks these and acyclicity, which JSON Schema cannot express.",
  });
export type Plan = z.infer<typeof Plan>;
