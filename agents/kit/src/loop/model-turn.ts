import { withChatSpan } from "@switchyard/models";
import { ATTR, errorMessage } from "@switchyard/infra";
import { costOf } from "../model/prices.ts";
import type { ModelRequest, ModelResponse } from "../model/types.ts";
import type { JournaledResponse } from "../run-journal.ts";
import { endRun, failRun, limitHit, type RunContext } from "./run-context.ts";
import type { LlmRunOutcome } from "./run-types.ts";
import type { RunState } from "./run-state.ts";
import { trimTo } from "./untrusted.ts";

/**
 * One model call, for a step or a summary: through the run's journal (a resumed run gets the recorded response), in
 * a `chat <model>` span (GenAI conventions), metered, and reported as a `model.call` event. A failed call ends the
 * run: `model_error`, or the deadline or a cancellation when the call was aborted.
 */
export async function callModel(
  ctx: RunContext,
  state: RunState,
  purpose: "step" | "summary",
  request: ModelRequest,
): Promise<ModelResponse | LlmRunOutcome> {
  const { opts, meter, ids } = ctx;
  const { model, journal, services } = opts;
  const started = Date.now();
  const call = () => model.provider.complete(request);
  try {
    const served = await withChatSpan(
      {
        model,
        request,
        agent: opts.agent.name,
        goal: { goalId: opts.goalId, tenant: opts.tenant, user: opts.user },
        attributes: { [ATTR.step]: meter.steps + 1, [ATTR.subtaskId]: opts.subtaskId },
      },
      async (span) => {
        const j: JournaledResponse =
          journal === undefined
            ? { response: await call(), replayed: false, reportedBefore: false }
            : await journal.model(call);
        // A cached response cost nothing this time; a replayed one, nothing again once a result reported it.
        const free = j.response.cached === true || j.reportedBefore;
        const r = free ? { ...j, response: { ...j.response, usage: { inputTokens: 0, outputTokens: 0 } } } : j;
        span.setAttributes({ [ATTR.cached]: r.response.cached === true, [ATTR.replayed]: r.replayed });
        return { value: r, response: r.response, costUsd: costOf(model.price, r.response.usage) };
      },
    );
    const { response } = served;
    const cost = costOf(model.price, response.usage);
    if (served.reportedBefore) meter.addStepReportedBefore();
    else meter.addCall(response.usage, cost);
    await services.emit({
      ...ids,
      type: "model.call",
      step: meter.steps,
      purpose,
      model: model.modelString,
      text: trimTo(response.text, 4_000),
      toolCalls: response.toolCalls.map((c) => c.name),
      inputTokens: response.usage.inputTokens,
      outputTokens: response.usage.outputTokens,
      costUsd: cost,
      ms: Date.now() - started,
      ...(response.cached === true ? { cached: true } : {}),
      ...(served.replayed ? { replayed: true } : {}),
    });
    opts.logger.info(
      {
        event: "model.call",
        purpose,
        step: meter.steps,
        usage: response.usage,
        costUsd: cost,
        ms: Date.now() - started,
      },
      "model call",
    );
    return response;
  } catch (err) {
    if (opts.signal.aborted)
      return opts.cancelled() ? endRun(ctx, state, "cancelled") : limitHit(ctx, state, "limit_time");
    const message = `${model.modelString}: ${errorMessage(err)}`;
    await services.emit({
      ...ids,
      type: "model.call",
      step: meter.steps,
      purpose,
      model: model.modelString,
      text: "",
      toolCalls: [],
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      ms: Date.now() - started,
      error: message,
    });
    return failRun(ctx, state, "model_error", message);
  }
}

/** The most the next call may answer with: the loop's cap, within the tokens the budget has left. */
export function maxOutputTokens(ctx: RunContext): number {
  return Math.max(1, Math.min(ctx.loop.maxOutputTokens, ctx.meter.tokensLeft()));
}
