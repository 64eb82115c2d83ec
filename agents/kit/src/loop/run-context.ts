import type { Failure, RunStatus } from "@switchyard/contracts";
import { z } from "zod";
import type { ToolDefinition } from "../define-tool.ts";
import type { ToolSpec } from "../model/types.ts";
import { createBudgetMeter, type BudgetMeter, type LimitStatus } from "./budget-meter.ts";
import { finalAnswerSchema, finalAnswerTool } from "./final-answer.ts";
import { DEFAULT_LOOP_OPTIONS, type LoopOptions } from "./loop-options.ts";
import { createRepetitionDetector } from "./repetition-detector.ts";
import type { LlmRunOutcome, RunLlmAgentOptions } from "./run-types.ts";
import type { RunState } from "./run-state.ts";

/** What stays the same for the whole run: the agent, its tools as the model sees them, the meter, the services. */
export type RunContext = {
  opts: RunLlmAgentOptions;
  loop: Required<LoopOptions>;
  /** The ids every step event of the run carries. */
  ids: { goalId: string; tenant: string; subtaskId: string; agent: string };
  meter: BudgetMeter;
  tools: Map<string, ToolDefinition>;
  toolSpecs: ToolSpec[];
  answerSchema: ReturnType<typeof finalAnswerSchema>;
  detector: ReturnType<typeof createRepetitionDetector>;
};

export function createRunContext(opts: RunLlmAgentOptions): RunContext {
  const { agent } = opts;
  const loop: Required<LoopOptions> = { ...DEFAULT_LOOP_OPTIONS, ...agent.loop };
  return {
    opts,
    loop,
    ids: { goalId: opts.goalId, tenant: opts.tenant, subtaskId: opts.subtaskId, agent: agent.name },
    meter: createBudgetMeter(opts.budget, opts.deadlineMs),
    tools: new Map(agent.tools.map((t) => [t.name, t])),
    toolSpecs: [
      ...agent.tools.map((t) => ({
        name: t.name,
        description: t.description,
        inputSchema: z.toJSONSchema(t.input, { io: "input", unrepresentable: "any" }),
      })),
      finalAnswerTool(agent.output),
    ],
    answerSchema: finalAnswerSchema(agent.output),
    detector: createRepetitionDetector(loop.repeatLimit),
  };
}

/** How the run ends: always with usage, and with the best partial output it has unless it ended ok. */
export function endRun(
  ctx: RunContext,
  state: RunState,
  status: RunStatus,
  extra: Omit<LlmRunOutcome, "status" | "usage"> = {},
): LlmRunOutcome {
  return {
    status,
    partialOutput: status === "ok" ? undefined : state.partial,
    ...extra,
    usage: ctx.meter.usage,
  };
}

/** The run ends `failed`, saying why. */
export function failRun(ctx: RunContext, state: RunState, kind: Failure["kind"], message: string): LlmRunOutcome {
  return endRun(ctx, state, "failed", { failure: { kind, message } });
}

/** The run ends on a hard limit, with a `limit.hit` event. */
export async function limitHit(ctx: RunContext, state: RunState, limit: LimitStatus): Promise<LlmRunOutcome> {
  await ctx.opts.services.emit({ ...ctx.ids, type: "limit.hit", limit, usage: ctx.meter.usage });
  ctx.opts.logger.warn({ event: "limit.hit", limit, usage: ctx.meter.usage }, `run stopped: ${limit}`);
  return endRun(ctx, state, limit);
}
