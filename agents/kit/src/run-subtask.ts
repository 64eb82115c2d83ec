import {
  WIRE_VERSION,
  type Budget,
  type Failure,
  type RunStatus,
  type SubtaskEnvelope,
  type SubtaskResult,
} from "@switchyard/contracts";
import { describeIssues, errorMessage, toValidationIssues, type Logger } from "@switchyard/infra";
import type { AgentDefinition } from "./define-agent.ts";

/** Options of {@link runSubtask}. */
export type RunSubtaskOptions = {
  agent: AgentDefinition;
  envelope: SubtaskEnvelope;
  instance: string;
  logger: Logger;
  /** Aborts the run from outside (cancellation, shutdown). */
  signal?: AbortSignal;
};

class DeadlineExceeded extends Error {}

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

/**
 * Runs one subtask of a handler agent and always returns a SubtaskResult: bad input, a thrown handler, an output
 * that breaks the schema and a missed deadline each become a status and a failure, never an exception.
 */
export async function runSubtask(opts: RunSubtaskOptions): Promise<SubtaskResult> {
  const { agent, envelope, instance, logger } = opts;
  const startedAt = new Date();
  const budget = effectiveBudget(agent.budget, envelope.budget);
  const deadlineMs = Math.min(
    Date.parse(envelope.deadline),
    budget.maxMs === undefined ? Number.POSITIVE_INFINITY : startedAt.getTime() + budget.maxMs,
  );
  const finish = (
    status: RunStatus,
    extra: { output?: unknown; partialOutput?: unknown; failure?: Failure },
  ): SubtaskResult => {
    const finishedAt = new Date();
    return {
      v: WIRE_VERSION,
      goalId: envelope.goalId,
      subtaskId: envelope.subtaskId,
      idempotencyKey: envelope.idempotencyKey,
      agent: agent.name,
      instance,
      attempt: envelope.attempt,
      status,
      ...extra,
      usage: { steps: 1, inputTokens: 0, outputTokens: 0, costUsd: 0, ms: finishedAt.getTime() - startedAt.getTime() },
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
    };
  };

  if (deadlineMs <= startedAt.getTime()) {
    return finish("limit_time", {});
  }
  const input = agent.input.safeParse(envelope.input);
  if (!input.success) {
    return finish("failed", {
      failure: {
        kind: "bad_input",
        message: `input does not match ${agent.name}'s input schema: ${describeIssues(toValidationIssues(input.error))}`,
      },
    });
  }

  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(opts.signal?.reason);
  opts.signal?.addEventListener("abort", onOuterAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const deadlineHit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(new DeadlineExceeded("deadline"));
      reject(new DeadlineExceeded("deadline"));
    }, deadlineMs - startedAt.getTime());
  });
  try {
    const raw = await Promise.race([
      agent.handler(input.data, {
        goalId: envelope.goalId,
        subtaskId: envelope.subtaskId,
        idempotencyKey: envelope.idempotencyKey,
        attempt: envelope.attempt,
        tenant: envelope.tenant,
        user: envelope.user,
        upstream: envelope.upstream,
        deadline: new Date(deadlineMs),
        signal: controller.signal,
        logger,
      }),
      deadlineHit,
    ]);
    const output = agent.output.safeParse(raw);
    if (!output.success) {
      return finish("failed", {
        partialOutput: raw,
        failure: {
          kind: "invalid_output",
          message: `output does not match ${agent.name}'s output schema: ${describeIssues(toValidationIssues(output.error))}`,
        },
      });
    }
    return finish("ok", { output: output.data });
  } catch (err) {
    if (err instanceof DeadlineExceeded) return finish("limit_time", {});
    if (opts.signal?.aborted === true) return finish("cancelled", {});
    return finish("failed", { failure: { kind: "crashed", message: `handler threw: ${errorMessage(err)}` } });
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onOuterAbort);
  }
}
