import type { Budget, Goal, GoalFailure, Plan, RunStatus, Usage } from "@switchyard/contracts";
import { errorMessage, type Logger } from "@switchyard/infra";
import {
  costOf,
  type ChatMessage,
  type ModelRequest,
  type ModelResponse,
  type ResolvedModel,
  type ToolResultContent,
  withChatSpan,
} from "@switchyard/models";
import type { AgentCatalog } from "./agent-catalog.ts";
import { PLANNER_INSTRUCTIONS, plannerUserMessage, SUBMIT_PLAN, submitPlanTool } from "./planner-prompt.ts";
import {
  DEFAULT_MAX_PLANNED_SUBTASKS,
  describePlanErrors,
  validatePlan,
  type ValidatePlanOptions,
} from "./validate-plan.ts";

/** Default number of times an invalid plan is sent back to the model with its errors: 2 (3 attempts in all). */
export const DEFAULT_MAX_REPAIRS = 2;
/** Default output-token cap of one planner call: 4096 (lowered to what the goal's token budget has left). */
export const DEFAULT_PLANNER_MAX_OUTPUT_TOKENS = 4_096;

/** One planner model call, for `model.call` events. */
export type PlannerModelCall = {
  /** 1-based. */
  step: number;
  model: string;
  text: string;
  toolCalls: string[];
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  ms: number;
  error?: string;
};

/** Per-goal options of {@link Planner.plan}. */
export type PlanRequest = {
  /** Aborts a model call in flight (the goal's deadline). */
  signal: AbortSignal;
  /** The goal's budget: planning stops before a call once steps, tokens or cost reach it. Default: no limit. */
  budget?: Budget;
  /** Told about every model call, e.g. to emit `model.call` events. */
  onModelCall?: (call: PlannerModelCall) => Promise<void>;
};

/** How planning ended when it produced no plan: `failed`, or the goal-budget limit it ran into. */
export type PlanFailureStatus = Extract<
  RunStatus,
  "failed" | "limit_steps" | "limit_tokens" | "limit_cost" | "limit_time"
>;

/**
 * A valid plan, or why there is none. Either way: what planning consumed (`usage.ms` is its wall time) and the
 * validation errors of every rejected attempt, in order.
 */
export type PlanOutcome = { usage: Usage; attempts: string[][] } & (
  { plan: Plan } | { failure: GoalFailure; status: PlanFailureStatus }
);

/** Turns a goal into a plan. */
export type Planner = { plan(goal: Goal, request: PlanRequest): Promise<PlanOutcome> };

/** Options of {@link createLlmPlanner}. */
export type LlmPlannerOptions = {
  model: ResolvedModel;
  /** The live agent catalog the plan is made from and checked against. */
  catalog: AgentCatalog;
  /** Default {@link DEFAULT_MAX_REPAIRS}. */
  maxRepairs?: number;
  /** Default {@link DEFAULT_MAX_PLANNED_SUBTASKS}. */
  maxSubtasks?: number;
  /** Default {@link DEFAULT_PLANNER_MAX_OUTPUT_TOKENS}. */
  maxOutputTokens?: number;
  logger: Logger;
};

/**
 * An LLM planner: asks the model for a plan through a single required tool, `submit_plan`, whose input schema is the
 * Plan JSON Schema; validates it against the live catalog; sends the errors back as the tool result at most
 * `maxRepairs` times; counts every call's tokens and cost, and stops at the goal's budget.
 */
export function createLlmPlanner(opts: LlmPlannerOptions): Planner {
  const { model, catalog } = opts;
  const maxRepairs = opts.maxRepairs ?? DEFAULT_MAX_REPAIRS;
  const maxSubtasks = opts.maxSubtasks ?? DEFAULT_MAX_PLANNED_SUBTASKS;
  const maxOutputTokens = opts.maxOutputTokens ?? DEFAULT_PLANNER_MAX_OUTPUT_TOKENS;
  if (!Number.isInteger(maxRepairs) || maxRepairs < 0) throw new RangeError("maxRepairs must be an integer >= 0");
  const tool = submitPlanTool();

  return {
    async plan(goal, request) {
      const logger = opts.logger.child({ goalId: goal.id, component: "planner" });
      const started = Date.now();
      const usage: Usage = { steps: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, ms: 0 };
      const attempts: string[][] = [];
      const done = (end: { plan: Plan } | { failure: GoalFailure; status: PlanFailureStatus }): PlanOutcome => ({
        ...end,
        usage: { ...usage, ms: Date.now() - started },
        attempts,
      });
      const stop = (status: PlanFailureStatus, why: string) => {
        const last = attempts.at(-1);
        const kind = last === undefined ? "model_error" : "invalid_output";
        const message = last === undefined ? why : `${why}; the last plan was invalid: ${last.join("; ")}`;
        logger.warn({ event: "planner.failed", status, usage }, message);
        return done({ failure: { kind, message }, status });
      };

      const cards = await catalog.cards();
      const messages: ChatMessage[] = [{ role: "user", content: plannerUserMessage(goal, cards) }];
      for (let attempt = 1; attempt <= maxRepairs + 1; attempt++) {
        const limit = limitReached(usage, request.budget);
        if (limit !== undefined) return stop(limit, `planning reached the goal's budget (${limit})`);
        if (request.signal.aborted) return stop("limit_time", "planning reached the goal's deadline");

        const callStarted = Date.now();
        let response: ModelResponse;
        try {
          response = await callModel(
            model,
            {
              model: model.model,
              system: PLANNER_INSTRUCTIONS,
              messages,
              tools: [tool],
              maxOutputTokens: outputCap(maxOutputTokens, usage, request.budget),
              toolChoice: "required",
              signal: request.signal,
            },
            goal,
          );
        } catch (err) {
          const message = `planner model ${model.modelString}: ${errorMessage(err)}`;
          await request.onModelCall?.({ ...emptyCall(model, attempt, callStarted), error: message });
          if (request.signal.aborted) return stop("limit_time", "planning reached the goal's deadline");
          logger.warn({ event: "planner.failed", status: "failed", err: errorMessage(err) }, message);
          return done({ failure: { kind: "model_error", message }, status: "failed" });
        }
        const costUsd = costOf(model.price, response.usage);
        usage.steps += 1;
        usage.inputTokens += response.usage.inputTokens;
        usage.outputTokens += response.usage.outputTokens;
        usage.costUsd += costUsd;
        await request.onModelCall?.({
          step: attempt,
          model: model.modelString,
          text: response.text.slice(0, 4_000),
          toolCalls: response.toolCalls.map((c) => c.name),
          inputTokens: response.usage.inputTokens,
          outputTokens: response.usage.outputTokens,
          costUsd,
          ms: Date.now() - callStarted,
        });

        const review = reviewResponse(response, { catalog: cards, goal, maxSubtasks });
        if ("plan" in review) {
          logger.info({ event: "planner.planned", attempts: attempt, usage }, "plan accepted");
          return done({ plan: review.plan });
        }
        attempts.push(review.errors);
        logger.info({ event: "planner.rejected", attempt, errors: review.errors }, "plan rejected");
        messages.push({ role: "assistant", text: response.text, toolCalls: response.toolCalls }, review.feedback);
      }
      const last = attempts.at(-1) ?? [];
      const message = `the planner's plan is still invalid after ${attempts.length} attempts: ${last.join("; ")}`;
      logger.warn({ event: "planner.failed", status: "failed", usage }, message);
      return done({ failure: { kind: "invalid_output", message }, status: "failed" });
    },
  };
}

/** The plan in a response, or the errors to send back (as tool results, or a user turn if no tool was called). */
function reviewResponse(
  response: ModelResponse,
  opts: ValidatePlanOptions,
): { plan: Plan } | { errors: string[]; feedback: ChatMessage } {
  const submit = response.toolCalls.find((c) => c.name === SUBMIT_PLAN);
  if (submit === undefined) {
    const said = response.text.trim() === "" ? "" : `; the model said: ${response.text.trim().slice(0, 500)}`;
    const errors = [`no ${SUBMIT_PLAN} call${said}`];
    if (response.toolCalls.length === 0) {
      return { errors, feedback: { role: "user", content: `Call ${SUBMIT_PLAN} with the plan.` } };
    }
    const results = response.toolCalls.map((c) =>
      toolError(c.id, c.name, `Unknown tool "${c.name}"; the only tool is ${SUBMIT_PLAN}.`),
    );
    return { errors, feedback: { role: "tool", results } };
  }
  let errors: string[];
  if (submit.args === undefined) {
    errors = [`the ${SUBMIT_PLAN} arguments are not valid JSON: ${submit.rawArgs.slice(0, 200)}`];
  } else {
    const checked = validatePlan(submit.args, opts);
    // A model-made plan cannot vouch for input: what it puts in a subtask's input may come from the goal's text
    // (outside text), so none of it counts as trusted, whatever the plan says.
    if (checked.ok) {
      return { plan: { ...checked.plan, subtasks: checked.plan.subtasks.map(({ trustedInput: _t, ...s }) => s) } };
    }
    errors = describePlanErrors(checked.errors);
  }
  const results = response.toolCalls.map((c) =>
    c === submit
      ? toolError(
          c.id,
          c.name,
          `The plan was rejected:\n${errors.map((e) => `- ${e}`).join("\n")}\nFix every error and call ${SUBMIT_PLAN} again.`,
        )
      : toolError(c.id, c.name, `Ignored: call ${SUBMIT_PLAN} once per turn.`),
  );
  return { errors, feedback: { role: "tool", results } };
}

function toolError(toolCallId: string, toolName: string, content: string): ToolResultContent {
  return { toolCallId, toolName, content, isError: true };
}

/** One model call of the planner under a `chat <model>` span (GenAI conventions), as the agent loop's are. */
function callModel(model: ResolvedModel, request: ModelRequest, goal: Goal): Promise<ModelResponse> {
  return withChatSpan(
    { model, request, agent: "planner", goal: { goalId: goal.id, tenant: goal.tenant, user: goal.user } },
    async () => {
      const response = await model.provider.complete(request);
      return { value: response, response, costUsd: costOf(model.price, response.usage) };
    },
  );
}

/** The goal-budget limit planning has reached, if any. */
function limitReached(usage: Usage, budget: Budget | undefined): PlanFailureStatus | undefined {
  if (budget === undefined) return undefined;
  if (budget.maxSteps !== undefined && usage.steps >= budget.maxSteps) return "limit_steps";
  if (budget.maxTokens !== undefined && usage.inputTokens + usage.outputTokens >= budget.maxTokens)
    return "limit_tokens";
  if (budget.maxCostUsd !== undefined && usage.costUsd >= budget.maxCostUsd) return "limit_cost";
  return undefined;
}

/** A call may not answer with more tokens than the goal's budget has left. */
function outputCap(max: number, usage: Usage, budget: Budget | undefined): number {
  if (budget?.maxTokens === undefined) return max;
  return Math.max(1, Math.min(max, budget.maxTokens - usage.inputTokens - usage.outputTokens));
}

function emptyCall(model: ResolvedModel, step: number, started: number): PlannerModelCall {
  return {
    step,
    model: model.modelString,
    text: "",
    toolCalls: [],
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    ms: Date.now() - started,
  };
}
