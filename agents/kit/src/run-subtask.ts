import {
  WIRE_VERSION,
  type Budget,
  type RunStatus,
  type SubtaskEnvelope,
  type SubtaskResult,
  type Usage,
} from "@switchyard/contracts";
import { describeIssues, errorMessage, leafValues, toValidationIssues, type Logger } from "@switchyard/infra";
import type { AgentDefinition, HandlerAgentDefinition } from "./define-agent.ts";
import { BudgetLimitReached, createHandlerUsageMeter } from "./handler-usage.ts";
import type { LimitStatus } from "./loop/budget-meter.ts";
import { runLlmAgent, type LlmRunOutcome, type RunServices } from "./loop/run-llm-agent.ts";
import type { ResolvedModel } from "./model/resolve-model.ts";
import type { RunJournal } from "./run-journal.ts";

/** Options of {@link runSubtask}. */
export type RunSubtaskOptions = {
  agent: AgentDefinition;
  envelope: SubtaskEnvelope;
  instance: string;
  logger: Logger;
  /** Aborts the run from outside (cancellation, shutdown): the run ends `cancelled`. */
  signal?: AbortSignal;
  /** The resolved model of an LLM agent (resolved once at start-up). */
  model?: ResolvedModel;
  /** Events, effects ledger and proposals for an LLM agent; a handler agent's `limit.hit` event goes here too. */
  services?: RunServices;
  /** The LLM run's journal: a resumed run replays it instead of starting from step 1. */
  journal?: RunJournal;
};

/** The tighter of two optional limits. */
function tighter(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** The agent's default budget narrowed by the subtask's own. */
export function effectiveBudget(agentBudget: Budget, subtaskBudget: Budget): Budget {
  return {
    maxSteps: tighter(agentBudget.maxSteps, subtaskBudget.maxSteps),
    maxTokens: tighter(agentBudget.maxTokens, subtaskBudget.maxTokens),
    maxMs: tighter(agentBudget.maxMs, subtaskBudget.maxMs),
    maxCostUsd: tighter(agentBudget.maxCostUsd, subtaskBudget.maxCostUsd),
  };
}

class DeadlineExceeded extends Error {}

/**
 * What of a task the agent may trust: the input fields the agent or the plan declares trusted (identifiers from the
 * backend), and nothing else — free text (a ticket, an email, a page) and other agents' outputs may carry injected
 * instructions, so their presence makes write tools need approval from the first step.
 */
export function taskTrust(
  input: unknown,
  envelope: Pick<SubtaskEnvelope, "trustedInput" | "upstream">,
  agentTrusted: readonly string[] = [],
): { untrustedInput?: string; trustedValues: string[] } {
  const trusted = new Set([...agentTrusted, ...(envelope.trustedInput ?? [])]);
  const fields =
    input !== null && typeof input === "object" && !Array.isArray(input)
      ? Object.entries(input as Record<string, unknown>).filter(([, v]) => v !== undefined)
      : [["(input)", input] as const];
  const untrusted = fields.filter(([k]) => !trusted.has(k)).map(([k]) => k);
  const trustedValues = [...leafValues(fields.filter(([k]) => trusted.has(k)).map(([, v]) => v))];
  const reasons = [
    ...(untrusted.length > 0 ? [`the task input holds untrusted text (${untrusted.join(", ")})`] : []),
    ...(Object.keys(envelope.upstream).length > 0 ? ["the task holds other subtasks' outputs"] : []),
  ];
  return { untrustedInput: reasons.length > 0 ? reasons.join("; ") : undefined, trustedValues };
}

const ZERO: Usage = { steps: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, ms: 0 };

/** What one handler run needs. */
type HandlerRun = {
  agent: HandlerAgentDefinition;
  input: unknown;
  envelope: SubtaskEnvelope;
  budget: Budget;
  deadlineMs: number;
  /** Aborted at the deadline and on cancellation by the caller, and here when a recorded amount reaches a limit. */
  controller: AbortController;
  logger: Logger;
  /** Where the `limit.hit` event goes (none: only the log says it). */
  services?: RunServices;
};

/** The limit a signal's reason names: the deadline or a limit the handler's usage reached; none for cancellation. */
function limitOf(reason: unknown): LimitStatus | undefined {
  if (reason instanceof DeadlineExceeded) return "limit_time";
  if (reason instanceof BudgetLimitReached) return reason.limit;
  return undefined;
}

async function runHandler(run: HandlerRun): Promise<LlmRunOutcome> {
  const { agent, envelope, controller, logger } = run;
  const { signal } = controller;
  const meter = createHandlerUsageMeter(run.budget, run.deadlineMs, (reached) => controller.abort(reached));
  // A handler that ignores its signal still cannot hold the subtask past the deadline or a limit it reached.
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => {
      if (limitOf(signal.reason) !== undefined) reject(signal.reason as Error);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
  // A handler that returns or throws because its signal fired did not finish its work.
  const stoppedEarly = async (): Promise<LlmRunOutcome> => {
    const limit = limitOf(signal.reason);
    if (limit === undefined) return { status: "cancelled", usage: meter.total() };
    // As the LLM loop reports a limit: a `limit.hit` event and a warning.
    const usage = meter.total();
    const ids = { goalId: envelope.goalId, tenant: envelope.tenant, subtaskId: envelope.subtaskId, agent: agent.name };
    await run.services?.emit({ ...ids, type: "limit.hit", limit, usage });
    logger.warn({ event: "limit.hit", limit, usage }, `run stopped: ${limit}`);
    return { status: limit, usage };
  };
  try {
    const raw = await Promise.race([
      agent.handler(run.input, {
        goalId: envelope.goalId,
        subtaskId: envelope.subtaskId,
        idempotencyKey: envelope.idempotencyKey,
        attempt: envelope.attempt,
        tenant: envelope.tenant,
        user: envelope.user,
        upstream: envelope.upstream,
        answers: envelope.answers ?? [],
        deadline: new Date(run.deadlineMs),
        signal,
        budget: run.budget,
        usage: meter.recorder,
        logger,
      }),
      stopped,
    ]);
    if (signal.aborted) return await stoppedEarly();
    const output = agent.output.safeParse(raw);
    if (!output.success) {
      const message = `output does not match ${agent.name}'s output schema: ${describeIssues(toValidationIssues(output.error))}`;
      return {
        status: "failed",
        partialOutput: raw,
        failure: { kind: "invalid_output", message },
        usage: meter.total(),
      };
    }
    return { status: "ok", output: output.data, usage: meter.total() };
  } catch (err) {
    if (signal.aborted) return await stoppedEarly();
    return {
      status: "failed",
      failure: { kind: "crashed", message: `handler threw: ${errorMessage(err)}` },
      usage: meter.total(),
    };
  } finally {
    if (onAbort !== undefined) signal.removeEventListener("abort", onAbort);
  }
}

/**
 * Runs one subtask and always returns a SubtaskResult: bad input, a thrown handler, an output that breaks the
 * schema, a limit, a missed deadline and cancellation each become a status (and a failure), never an exception.
 */
export async function runSubtask(opts: RunSubtaskOptions): Promise<SubtaskResult> {
  const { agent, envelope, instance, logger } = opts;
  const startedAt = new Date();
  const budget = effectiveBudget(agent.budget, envelope.budget);
  const deadlineMs = Math.min(
    Date.parse(envelope.deadline),
    budget.maxMs === undefined ? Number.POSITIVE_INFINITY : startedAt.getTime() + budget.maxMs,
  );
  const result = (outcome: LlmRunOutcome): SubtaskResult => {
    const finishedAt = new Date();
    return {
      v: WIRE_VERSION,
      goalId: envelope.goalId,
      subtaskId: envelope.subtaskId,
      idempotencyKey: envelope.idempotencyKey,
      agent: agent.name,
      instance,
      attempt: envelope.attempt,
      ...outcome,
      usage: { ...outcome.usage, ms: finishedAt.getTime() - startedAt.getTime() },
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
    };
  };
  const finish = (status: RunStatus, failure?: { kind: "bad_input"; message: string }) =>
    result({ status, failure, usage: ZERO });

  if (deadlineMs <= startedAt.getTime()) return finish("limit_time");
  const input = agent.input.safeParse(envelope.input);
  if (!input.success) {
    return finish("failed", {
      kind: "bad_input",
      message: `input does not match ${agent.name}'s input schema: ${describeIssues(toValidationIssues(input.error))}`,
    });
  }

  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(opts.signal?.reason);
  opts.signal?.addEventListener("abort", onOuterAbort, { once: true });
  const deadlineTimer = setTimeout(
    () => controller.abort(new DeadlineExceeded("deadline")),
    deadlineMs - startedAt.getTime(),
  );
  try {
    if (agent.kind === "handler") {
      const { services } = opts;
      return result(
        await runHandler({ agent, input: input.data, envelope, budget, deadlineMs, controller, logger, services }),
      );
    }
    if (opts.model === undefined || opts.services === undefined) {
      throw new Error(`LLM agent ${agent.name} needs a resolved model and run services`);
    }
    return result(
      await runLlmAgent({
        agent,
        model: opts.model,
        input: input.data,
        upstream: envelope.upstream,
        answers: envelope.answers,
        approvedEffects: envelope.approvedEffects,
        budget: { ...budget, maxMs: undefined },
        deadlineMs,
        signal: controller.signal,
        cancelled: () => opts.signal?.aborted === true,
        goalId: envelope.goalId,
        tenant: envelope.tenant,
        user: envelope.user,
        subtaskId: envelope.subtaskId,
        logger,
        services: opts.services,
        journal: opts.journal,
        ...taskTrust(input.data, envelope, agent.trustedInput),
      }),
    );
  } finally {
    clearTimeout(deadlineTimer);
    opts.signal?.removeEventListener("abort", onOuterAbort);
  }
}
