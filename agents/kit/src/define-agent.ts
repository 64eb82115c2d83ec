import { AgentCard, AgentName, Budget, type HumanAnswer } from "@switchyard/contracts";
import type { Logger } from "@switchyard/infra";
import { z } from "zod";
import type { ToolDefinition } from "./define-tool.ts";
import { AgentKitError } from "./errors.ts";
import type { HandlerUsage } from "./handler-usage.ts";
import type { ResponseCacheOptions } from "./model/response-cache.ts";
import type { LoopOptions } from "./loop/loop-options.ts";

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
  /** A person's answers, when the subtask runs again after it ended `needs_input`. */
  answers: HumanAnswer[];
  /** The subtask's absolute deadline (queue time counted). */
  deadline: Date;
  /**
   * Aborted at the deadline, on cancellation and when a total of `usage` reaches a limit of `budget`: pass it to
   * every long operation.
   */
  signal: AbortSignal;
  /** The subtask's effective budget: the agent's default narrowed by the subtask's own (the goal's share of it). */
  budget: Budget;
  /**
   * What the handler consumed, for a handler that wraps a framework with its own model loop (LangChain, a vendor
   * SDK): record each model call and the subtask's result reports the totals; a limit reached aborts `signal`.
   * A handler that records nothing reports 1 step and no tokens.
   */
  usage: HandlerUsage;
  logger: Logger;
};

type CommonSpec<I extends z.ZodType, O extends z.ZodType> = {
  /** Lower-case name; the agent consumes `<prefix>.tasks.<name>`. */
  name: string;
  /** Semantic version, shown in the agent card. */
  version: string;
  /** One or two sentences the planner reads to decide when to use this agent. */
  description: string;
  input: I;
  output: O;
  /** Default hard limits; a subtask's own budget narrows them. */
  budget?: Budget;
};

/** A handler agent: plain code, no model ("determinism where possible"). */
export type HandlerAgentSpec<I extends z.ZodType, O extends z.ZodType> = CommonSpec<I, O> & {
  /** Does the work. Declared as a method so a specific agent is assignable to `AgentDefinition` (bivariance). */
  handler(input: z.output<I>, ctx: HandlerContext): Promise<NoInfer<z.input<O>>>;
};

/** An LLM agent: instructions, tools and a model, run by the budgeted tool loop. */
export type LlmAgentSpec<I extends z.ZodType, O extends z.ZodType> = CommonSpec<I, O> & {
  /** The system prompt. Nothing else ever goes in the system role. */
  instructions: string;
  tools?: ToolDefinition[];
  /** `anthropic:<model>`, `openai:<model>`, `openai-compatible:<name>/<model>` or `scripted:<script>`. */
  model: string;
  loop?: LoopOptions;
  /**
   * Opt-in response cache: a model call identical to one made less than `ttlMs` ago (same provider, model, prompt,
   * messages, tools and parameters) reuses its response at no cost. Only for agents whose model settings are
   * deterministic enough that a reused reply is as good as a new one. Default: off.
   */
  cache?: ResponseCacheOptions;
  /**
   * Top-level input fields that hold identifiers the caller vouches for (an order id, a customer id), not outside
   * text. Every other input field is untrusted data: while the task holds any, write tools need approval (taint from
   * the first step), and the trusted fields' values are the entities write tools may name without reading them.
   * Default: none (the whole input is untrusted). A plan can vouch for more fields per subtask.
   */
  trustedInput?: readonly string[];
};

type Defined = { budget: Budget; card: AgentCard };
/** A defined handler agent. */
export type HandlerAgentDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> = Readonly<
  HandlerAgentSpec<I, O> & Defined & { kind: "handler" }
>;
/** A defined LLM agent. */
export type LlmAgentDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> = Readonly<
  LlmAgentSpec<I, O> & Defined & { kind: "llm"; tools: ToolDefinition[] }
>;
/** A defined agent, ready to be served with `serveAgent` or `runAgent`. */
export type AgentDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> =
  HandlerAgentDefinition<I, O> | LlmAgentDefinition<I, O>;

/** Default budget of a handler agent that sets none. */
export const DEFAULT_AGENT_BUDGET: Budget = { maxMs: 60_000 };
/** Default budget of an LLM agent that sets none. */
export const DEFAULT_LLM_BUDGET: Budget = { maxSteps: 12, maxTokens: 50_000, maxMs: 120_000, maxCostUsd: 0.5 };

/**
 * Defines a specialist agent: a `handler` for plain code, or `instructions` + `tools` + `model` for an LLM loop.
 * The spec is checked here, so a bad name, version, schema or tool list fails at start-up with a message naming
 * the field, not at the first subtask.
 */
export function defineAgent<I extends z.ZodType, O extends z.ZodType>(
  spec: HandlerAgentSpec<I, O>,
): HandlerAgentDefinition<I, O>;
export function defineAgent<I extends z.ZodType, O extends z.ZodType>(
  spec: LlmAgentSpec<I, O>,
): LlmAgentDefinition<I, O>;
export function defineAgent<I extends z.ZodType, O extends z.ZodType>(
  spec: HandlerAgentSpec<I, O> | LlmAgentSpec<I, O>,
): AgentDefinition<I, O> {
  const isHandler = "handler" in spec;
  const problems: string[] = [];
  const name = AgentName.safeParse(spec.name);
  if (!name.success) problems.push(`name "${spec.name}" ${name.error.issues[0]?.message ?? "is invalid"}`);
  const budget = Budget.safeParse(spec.budget ?? (isHandler ? DEFAULT_AGENT_BUDGET : DEFAULT_LLM_BUDGET));
  if (!budget.success)
    problems.push(`budget: ${budget.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join(", ")}`);
  const tools = isHandler ? [] : (spec.tools ?? []);
  if (isHandler && typeof spec.handler !== "function") problems.push("handler must be a function");
  if (!isHandler) {
    if (typeof spec.instructions !== "string" || spec.instructions.trim() === "")
      problems.push("instructions must be a non-empty string");
    if (typeof spec.model !== "string" || !spec.model.includes(":"))
      problems.push(`model "${String(spec.model)}" must be <provider>:<model>`);
    const ttl = spec.cache?.ttlMs;
    if (spec.cache !== undefined && (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl <= 0))
      problems.push(`cache.ttlMs must be a positive number of milliseconds (got ${String(ttl)})`);
    const seen = new Set<string>();
    for (const t of tools) {
      if (seen.has(t.name)) problems.push(`tool "${t.name}" is listed twice`);
      seen.add(t.name);
    }
  }
  let card: AgentCard | undefined;
  if (problems.length === 0) {
    const parsed = AgentCard.safeParse({
      name: spec.name,
      version: spec.version,
      description: spec.description,
      kind: isHandler ? "handler" : "llm",
      input: z.toJSONSchema(spec.input, { io: "input", unrepresentable: "any" }),
      output: z.toJSONSchema(spec.output, { io: "output", unrepresentable: "any" }),
      tools: tools.map((t) => ({ name: t.name, kind: t.kind, description: t.description })),
      defaultBudget: budget.data,
      model: isHandler ? undefined : spec.model,
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
  return isHandler
    ? Object.freeze({ ...spec, kind: "handler" as const, budget: budget.data, card })
    : Object.freeze({ ...spec, kind: "llm" as const, tools, budget: budget.data, card });
}
