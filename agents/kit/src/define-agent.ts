import { AgentCard, AgentName, Budget } from "@switchyard/contracts";
import type { Logger } from "@switchyard/infra";
import { z } from "zod";
import { AgentKitError } from "./errors.ts";

/** What a handler knows about the subtask it runs. */
export type HandlerContext = {
  goalId: string;
  subtaskId: string;
  /** `<goalId>/<subtaskId>`: pass it to external APIs that accept an idempotency key. */
  idempotencyKey: string;
  attempt: number;
  tenant: string;
  user: string;
  /** Outputs of the subtasks this one depends on, by subtask id. */
  upstream: Record<string, unknown>;
  /** The subtask's absolute deadline (queue time counted). */
  deadline: Date;
  /** Aborted at the deadline and on cancellation: pass it to every long operation. */
  signal: AbortSignal;
  logger: Logger;
};

/** The specification of a handler agent: plain code, no model. */
export type HandlerAgentSpec<I extends z.ZodType, O extends z.ZodType> = {
  /** Lower-case name; the agent consumes `<prefix>.tasks.<name>`. */
  name: string;
  /** Semantic version, shown in the agent card. */
  version: string;
  /** One or two sentences the planner reads to decide when to use this agent. */
  description: string;
  input: I;
  output: O;
  /** Default hard limits; a subtask's own budget narrows them. Default: 60 s wall time. */
  budget?: Budget;
  /** Does the work. Declared as a method so a specific agent is assignable to `AgentDefinition` (bivariance). */
  handler(input: z.output<I>, ctx: HandlerContext): Promise<z.input<O>>;
};

/** A defined agent, ready to be served with `serveAgent` or `runAgent`. */
export type AgentDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> = Readonly<
  HandlerAgentSpec<I, O> & { budget: Budget; card: AgentCard }
>;

/** Default budget of an agent that sets none. */
export const DEFAULT_AGENT_BUDGET: Budget = { maxMs: 60_000 };

/**
 * Defines a specialist agent. The spec is checked here, so a bad name, version or schema fails at start-up with
 * a message naming the field, not at the first subtask.
 */
export function defineAgent<I extends z.ZodType, O extends z.ZodType>(
  spec: HandlerAgentSpec<I, O>,
): AgentDefinition<I, O> {
  const problems: string[] = [];
  const name = AgentName.safeParse(spec.name);
  if (!name.success) problems.push(`name "${spec.name}" ${name.error.issues[0]?.message ?? "is invalid"}`);
  const budget = Budget.safeParse(spec.budget ?? DEFAULT_AGENT_BUDGET);
  if (!budget.success)
    problems.push(`budget: ${budget.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join(", ")}`);
  if (typeof spec.handler !== "function") problems.push("handler must be a function");
  let card: AgentCard | undefined;
  if (problems.length === 0) {
    const parsed = AgentCard.safeParse({
      name: spec.name,
      version: spec.version,
      description: spec.description,
      kind: "handler",
      input: z.toJSONSchema(spec.input, { io: "input", unrepresentable: "any" }),
      output: z.toJSONSchema(spec.output, { io: "output", unrepresentable: "any" }),
      tools: [],
      defaultBudget: budget.data,
    });
    if (parsed.success) card = parsed.data;
    else problems.push(...parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  if (problems.length > 0 || card === undefined || !budget.success) {
    throw new AgentKitError(
      "SY_ERR_AGENT_DEFINITION",
      "caller",
      `invalid agent definition "${spec.name}": ${problems.join("; ")}`,
    );
  }
  return Object.freeze({ ...spec, budget: budget.data, card });
}
