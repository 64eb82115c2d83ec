import { readFileSync } from "node:fs";
import { Plan, PlanChoice } from "@switchyard/contracts";
import { describeIssues, errorMessage, toValidationIssues } from "@switchyard/infra";
import { z } from "zod";
import { findCycle } from "./dag.ts";
import { CoordinatorError } from "./errors.ts";

/**
 * A named, fixed plan. Subtask inputs may hold references that are resolved when the subtask is dispatched:
 * `"$goal.text"`, `"$goal.input.<path>"`, `"$upstream.<subtaskId>.<path>"` (see template-input.ts).
 */
export const TemplatePlan = z.object({ description: z.string().default("") }).and(Plan);
export type TemplatePlan = z.infer<typeof TemplatePlan>;

/** Template plans by name. */
export const TemplateCatalog = z.record(PlanChoice, TemplatePlan);
export type TemplateCatalog = z.infer<typeof TemplateCatalog>;

/** The plans every coordinator knows. `demo` runs the two example agents, the second on the first's output. */
export const BUILTIN_TEMPLATES: TemplateCatalog = {
  demo: {
    description: "Extract the key terms of the goal's text, then write a short report from them.",
    subtasks: [
      { id: "keywords", agent: "keywords", input: { text: "$goal.text" }, dependsOn: [] },
      {
        id: "report",
        agent: "report",
        input: { text: "$goal.text", keywords: "$upstream.keywords.keywords" },
        dependsOn: ["keywords"],
      },
    ],
    output: "report",
  },
  support: {
    description:
      "Answer a support ticket: classify it, research the policy and the customer's order, decide a refund " +
      "(proposed for approval, never issued directly), and draft the reply. Goal input: { customerId?, orderId }.",
    subtasks: [
      { id: "classify", agent: "classifier", input: { ticket: "$goal.text" }, dependsOn: [] },
      {
        id: "research",
        agent: "researcher",
        input: { question: "$goal.text", customerId: "$goal.input.customerId", orderId: "$goal.input.orderId" },
        dependsOn: ["classify"],
        // Identifiers from the backend's structured input; the question is the customer's text (untrusted).
        trustedInput: ["customerId", "orderId"],
      },
      {
        id: "refund",
        agent: "refunds",
        input: { orderId: "$goal.input.orderId", request: "$goal.text" },
        dependsOn: ["classify"],
        trustedInput: ["orderId"],
      },
      {
        id: "reply",
        agent: "writer",
        input: { ticket: "$goal.text", classification: "$upstream.classify", research: "$upstream.research" },
        dependsOn: ["classify", "research"],
      },
    ],
    output: "reply",
  },
};

/** Checks a catalog (shape and acyclicity) and returns it parsed; throws naming the template and field. */
export function parseTemplateCatalog(raw: unknown, origin: string): TemplateCatalog {
  const parsed = TemplateCatalog.safeParse(raw);
  if (!parsed.success) {
    throw new CoordinatorError(
      "SY_ERR_TEMPLATES_INVALID",
      "caller",
      `${origin}: ${describeIssues(toValidationIssues(parsed.error))}`,
    );
  }
  for (const [name, plan] of Object.entries(parsed.data)) {
    const cycle = findCycle(plan);
    if (cycle !== undefined) {
      throw new CoordinatorError(
        "SY_ERR_TEMPLATES_INVALID",
        "caller",
        `${origin}: template "${name}" has a cycle: ${cycle.join(" -> ")}`,
      );
    }
  }
  return parsed.data;
}

/** Reads extra templates from a JSON file (`SY_TEMPLATES_FILE`) and merges them over the built-in ones. */
export function loadTemplateCatalog(file: string | undefined): TemplateCatalog {
  if (file === undefined || file === "") return BUILTIN_TEMPLATES;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new CoordinatorError(
      "SY_ERR_TEMPLATES_INVALID",
      "caller",
      `SY_TEMPLATES_FILE=${file}: ${errorMessage(err)}`,
      { cause: err },
    );
  }
  return { ...BUILTIN_TEMPLATES, ...parseTemplateCatalog(raw, `SY_TEMPLATES_FILE=${file}`) };
}
