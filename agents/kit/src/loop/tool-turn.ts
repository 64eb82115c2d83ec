import {
  ATTR,
  GEN_AI_OPERATION,
  GEN_AI_TOOL_TYPE,
  goalAttributes,
  markFailed,
  SPAN,
  withSpan,
} from "@switchyard/infra";
import type { ToolCall } from "../model/types.ts";
import type { RunContext } from "./run-context.ts";
import type { RunState } from "./run-state.ts";
import { executeToolCall, replayableRead, type ToolCallOutcome } from "./tool-executor.ts";
import { trimTo } from "./untrusted.ts";

const ARGS_PREVIEW = 500;
const ERROR_MESSAGE_CHARS = 300;

/**
 * Carries out one tool call of the model (not `final_answer`) in an `execute_tool` span: a read through the run's
 * journal (a resumed run does not read again), a write through the effects ledger, a destructive call as a proposal.
 * Reported as a `tool.call` event and a log line. `reason` is what the model said in the turn (a proposal's reason).
 */
export async function runToolCall(
  ctx: RunContext,
  state: RunState,
  call: ToolCall,
  reason: string,
): Promise<ToolCallOutcome> {
  const { opts, meter, tools, ids } = ctx;
  const started = Date.now();
  const outcome = await withSpan(
    SPAN.executeTool(call.name),
    {
      attributes: {
        [ATTR.genAiOperation]: GEN_AI_OPERATION.executeTool,
        [ATTR.genAiToolName]: call.name,
        [ATTR.genAiToolType]: GEN_AI_TOOL_TYPE,
        [ATTR.genAiToolCallId]: call.id,
        [ATTR.genAiAgentName]: opts.agent.name,
        ...goalAttributes({ goalId: opts.goalId, tenant: opts.tenant, user: opts.user }),
        [ATTR.step]: meter.steps,
      },
    },
    async (span) => {
      const execute = () =>
        executeToolCall(call, tools, {
          goalId: opts.goalId,
          subtaskId: opts.subtaskId,
          agent: opts.agent.name,
          signal: opts.signal,
          logger: opts.logger,
          effects: opts.services.effects,
          maxOutputChars: ctx.loop.toolOutputMaxChars,
          reason: trimTo(reason, 1_000),
          taint: state.taint,
          knownEntities: state.knownEntities,
          approvedEffects: opts.approvedEffects ?? [],
        });
      const o =
        opts.journal !== undefined && tools.get(call.name)?.kind === "read"
          ? await replayableRead(opts.journal, call.id, execute)
          : await execute();
      span.setAttributes({
        [ATTR.toolOutcome]: o.outcome,
        ...(o.kind === undefined ? {} : { [ATTR.toolKind]: o.kind }),
      });
      // The model sees the error and may recover, but the call itself failed: `error` (the tool threw), `invalid`
      // (no such tool, or arguments that break its schema), `denied` (a policy said no).
      if (o.isError) markFailed(span, o.outcome, trimTo(o.content, ERROR_MESSAGE_CHARS));
      return o;
    },
  );
  const summary = {
    tool: call.name,
    step: meter.steps,
    args: trimTo(call.rawArgs, ARGS_PREVIEW),
    result: trimTo(outcome.content, ARGS_PREVIEW),
    ms: Date.now() - started,
  };
  await opts.services.emit({
    ...ids,
    type: "tool.call",
    ...summary,
    kind: outcome.kind,
    outcome: outcome.fromJournal === true ? "replayed" : outcome.outcome,
  });
  opts.logger.info({ event: "tool.call", ...summary, outcome: outcome.outcome }, "tool call");
  return outcome;
}
