import type { ActionProposal, Assessment, Budget, Failure, HumanAnswer, RunStatus, Usage } from "@switchyard/contracts";
import {
  ATTR,
  describeIssues,
  errorMessage,
  GEN_AI_OPERATION,
  leafValues,
  SPAN,
  toValidationIssues,
  withSpan,
  type Logger,
  type StepEventInput,
} from "@switchyard/infra";
import { z } from "zod";
import type { LlmAgentDefinition } from "../define-agent.ts";
import type { EffectsLedger } from "../effects-ledger.ts";
import { costOf } from "../model/prices.ts";
import type { ResolvedModel } from "../model/resolve-model.ts";
import type { JournaledResponse, RunJournal } from "../run-journal.ts";
import type { ChatMessage, ModelResponse, ToolResultContent, ToolSpec } from "../model/types.ts";
import { createBudgetMeter, type BudgetMeter } from "./budget-meter.ts";
import { FINAL_ANSWER, finalAnswerSchema, finalAnswerTool, toAssessment } from "./final-answer.ts";
import { DEFAULT_LOOP_OPTIONS, type LoopOptions } from "./loop-options.ts";
import { renderTask } from "./render-task.ts";
import { createRepetitionDetector } from "./repetition-detector.ts";
import { summarizeHistory } from "./summarizer.ts";
import { executeToolCall, replayableRead } from "./tool-executor.ts";
import { trimTo } from "./untrusted.ts";

/** What the loop needs from outside: where events, effects and proposals go. */
export type RunServices = {
  emit(event: StepEventInput): Promise<void>;
  effects: EffectsLedger;
  /** Publishes a proposal (destructive or escalated write call) for approval. */
  propose(proposal: ActionProposal): Promise<void>;
};

/** How an LLM run ended. */
export type LlmRunOutcome = {
  status: RunStatus;
  output?: unknown;
  partialOutput?: unknown;
  assessment?: Assessment;
  proposals?: ActionProposal[];
  failure?: Failure;
  usage: Usage;
};

/** Options of {@link runLlmAgent}. */
export type RunLlmAgentOptions = {
  agent: LlmAgentDefinition;
  model: ResolvedModel;
  input: unknown;
  upstream: Record<string, unknown>;
  /** A person's answers, when the subtask runs again after `needs_input`. */
  answers?: HumanAnswer[];
  /** Effect keys of write calls a person approved: they run without asking again. */
  approvedEffects?: string[];
  budget: Budget;
  deadlineMs: number;
  /** Aborted at the deadline or on cancellation; `cancelled()` says which. */
  signal: AbortSignal;
  cancelled: () => boolean;
  goalId: string;
  /** The goal's tenant: step events are published under it. */
  tenant: string;
  subtaskId: string;
  logger: Logger;
  services: RunServices;
  /**
   * Why the task input is untrusted, if it is (it holds outside text: a ticket, an email, a page): write tools then
   * need approval from the first step. Default: trusted.
   */
  untrustedInput?: string;
  /** Values of the trusted input: entities the run may act on without having read them. Default: none. */
  trustedValues?: Iterable<string>;
  /**
   * The run's journal: model responses and read results are recorded as they come, and a resumed run replays them
   * instead of calling again. Without one, every run starts from step 1.
   */
  journal?: RunJournal;
};

const ARGS_PREVIEW = 500;

/**
 * The budgeted tool loop of an LLM agent. Per step: check the hard limits → summarize every N steps → call the
 * model → validate and carry out its tool calls → detect repetition. It ends on a valid `final_answer`, a limit, a
 * failure, a critical unknown, a proposal waiting for approval, or cancellation — always with usage and the best
 * partial output it has.
 */
export async function runLlmAgent(opts: RunLlmAgentOptions): Promise<LlmRunOutcome> {
  const { agent, model, services, logger } = opts;
  const loop: Required<LoopOptions> = { ...DEFAULT_LOOP_OPTIONS, ...agent.loop };
  const ids = { goalId: opts.goalId, tenant: opts.tenant, subtaskId: opts.subtaskId, agent: agent.name };
  const meter = createBudgetMeter(opts.budget, opts.deadlineMs);
  const tools = new Map(agent.tools.map((t) => [t.name, t]));
  const toolSpecs: ToolSpec[] = [
    ...agent.tools.map((t) => ({
      name: t.name,
      description: t.description,
      inputSchema: z.toJSONSchema(t.input, { io: "input", unrepresentable: "any" }),
    })),
    finalAnswerTool(agent.output),
  ];
  const answerSchema = finalAnswerSchema(agent.output);
  const detector = createRepetitionDetector(loop.repeatLimit);
  const { journal } = opts;
  // A resumed run meets each question it paused on again, and takes the answer there, as the reply to that
  // question; a run starting afresh reads every answer in its task.
  const answersAtPauses = journal?.resuming === true ? [...(opts.answers ?? [])] : [];
  let messages: ChatMessage[] = [
    { role: "user", content: renderTask(opts.input, opts.upstream, journal?.resuming === true ? [] : opts.answers) },
  ];
  let partial: unknown;
  let invalidStreak = 0;
  let invalidOutputs = 0;
  let toolErrorStreak = 0;
  let lastSummaryAtStep = 0;
  // Untrusted text in the input taints the run from step 0; a tool's output taints it when it arrives.
  let taint = opts.untrustedInput;
  const knownEntities = new Set(opts.trustedValues ?? []);

  const end = (status: RunStatus, extra: Omit<LlmRunOutcome, "status" | "usage"> = {}): LlmRunOutcome => ({
    status,
    partialOutput: status === "ok" ? undefined : partial,
    ...extra,
    usage: meter.usage,
  });
  const fail = (kind: Failure["kind"], message: string) => end("failed", { failure: { kind, message } });

  const callModel = async (
    purpose: "step" | "summary",
    call: () => Promise<ModelResponse>,
  ): Promise<ModelResponse | LlmRunOutcome> => {
    const started = Date.now();
    try {
      // A `chat <model>` span per call (GenAI conventions), child of the agent's `invoke_agent` span.
      const served = await withSpan(
        SPAN.chat(model.model),
        {
          attributes: {
            [ATTR.genAiOperation]: GEN_AI_OPERATION.chat,
            [ATTR.genAiProvider]: model.provider.name,
            [ATTR.genAiRequestModel]: model.model,
            [ATTR.step]: meter.steps + 1,
          },
        },
        async (span) => {
          const j: JournaledResponse =
            journal === undefined
              ? { response: await call(), replayed: false, reportedBefore: false }
              : await journal.model(call);
          // A cached response cost nothing this time; a replayed one, nothing again once a result reported it.
          const free = j.response.cached === true || j.reportedBefore;
          const r = free ? { ...j, response: { ...j.response, usage: { inputTokens: 0, outputTokens: 0 } } } : j;
          span.setAttributes({
            [ATTR.genAiInputTokens]: r.response.usage.inputTokens,
            [ATTR.genAiOutputTokens]: r.response.usage.outputTokens,
            [ATTR.costUsd]: costOf(model.price, r.response.usage),
            [ATTR.cached]: r.response.cached === true,
            [ATTR.replayed]: r.replayed,
          });
          return r;
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
      logger.info(
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
      if (opts.signal.aborted) return opts.cancelled() ? end("cancelled") : limitHit("limit_time");
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
      return fail("model_error", message);
    }
  };
  const limitHit = async (limit: NonNullable<ReturnType<BudgetMeter["exceeded"]>>): Promise<LlmRunOutcome> => {
    await services.emit({ ...ids, type: "limit.hit", limit, usage: meter.usage });
    logger.warn({ event: "limit.hit", limit, usage: meter.usage }, `run stopped: ${limit}`);
    return end(limit);
  };
  const maxOutputTokens = () => Math.max(1, Math.min(loop.maxOutputTokens, meter.tokensLeft()));

  for (;;) {
    if (opts.cancelled()) return end("cancelled");
    const limit = meter.exceeded();
    if (limit !== undefined) return limitHit(limit);

    const steps = meter.steps;
    if (loop.summarizeEvery > 0 && steps - lastSummaryAtStep >= loop.summarizeEvery && messages.length > 3) {
      lastSummaryAtStep = steps + 1;
      const before = messages.length;
      let next: ChatMessage[] | undefined;
      const summarized = await callModel("summary", async () => {
        const s = await summarizeHistory({
          provider: model.provider,
          model: model.model,
          messages,
          maxOutputTokens: maxOutputTokens(),
          signal: opts.signal,
        });
        next = s.messages;
        return s.response;
      });
      if ("status" in summarized) return summarized;
      if (next !== undefined) {
        messages = next;
        await services.emit({
          ...ids,
          type: "context.summarized",
          step: meter.steps,
          messagesBefore: before,
          messagesAfter: messages.length,
        });
      }
      continue;
    }

    const response = await callModel("step", () =>
      model.provider.complete({
        model: model.model,
        system: agent.instructions,
        messages,
        tools: toolSpecs,
        toolChoice: "required",
        maxOutputTokens: maxOutputTokens(),
        signal: opts.signal,
      }),
    );
    if ("status" in response) return response;
    messages = [...messages, { role: "assistant", text: response.text, toolCalls: response.toolCalls }];
    if (response.text !== "") partial ??= { notes: response.text };

    if (response.toolCalls.length === 0) {
      invalidStreak++;
      if (invalidStreak >= loop.maxInvalidToolCalls)
        return fail("invalid_tool_calls", `${invalidStreak} consecutive turns without a valid tool call`);
      messages = [
        ...messages,
        { role: "user", content: "Reply with a tool call: use the tools, or call final_answer when you are done." },
      ];
      continue;
    }

    const results: ToolResultContent[] = [];
    const proposals: ActionProposal[] = [];
    for (const call of response.toolCalls) {
      if (call.name === FINAL_ANSWER) {
        const parsed = answerSchema.safeParse(call.args);
        if (parsed.success) {
          const { assessment, critical } = toAssessment(parsed.data.assessment);
          await services.emit({ ...ids, type: "checkpoint", step: meter.steps, assessment, critical });
          partial = parsed.data.answer;
          const answer = critical.length > 0 ? answersAtPauses.shift() : undefined;
          if (answer !== undefined) {
            // The question this run paused on, answered: the answer is the reply to that call, and the run goes on.
            results.push({
              toolCallId: call.id,
              toolName: call.name,
              content: `Not final: you said ${critical.map((c) => `"${c}"`).join(", ")} was unknown. A person (${answer.answeredBy}) answered: ${answer.text}\nContinue, then call final_answer again.`,
              isError: false,
            });
            continue;
          }
          if (critical.length > 0)
            return end("needs_input", {
              assessment,
              failure: undefined,
              partialOutput: parsed.data.answer,
              proposals: proposals.length > 0 ? proposals : undefined,
            });
          if (proposals.length > 0)
            return end("needs_approval", { assessment, proposals, partialOutput: parsed.data.answer });
          return end("ok", { output: parsed.data.answer, assessment });
        }
        invalidOutputs++;
        const answer = (call.args as { answer?: unknown } | undefined)?.answer;
        if (answer !== undefined) partial = answer;
        const problem =
          call.args === undefined ? "arguments are not valid JSON" : describeIssues(toValidationIssues(parsed.error));
        if (invalidOutputs > loop.maxInvalidOutputs)
          return fail("invalid_output", `final_answer was invalid ${invalidOutputs} times; last: ${problem}`);
        results.push({
          toolCallId: call.id,
          toolName: call.name,
          content: `final_answer rejected: ${problem}. Fix it and call final_answer again.`,
          isError: true,
        });
        continue;
      }

      const started = Date.now();
      const outcome = await withSpan(
        SPAN.executeTool(call.name),
        {
          attributes: {
            [ATTR.genAiOperation]: GEN_AI_OPERATION.executeTool,
            [ATTR.genAiToolName]: call.name,
            [ATTR.genAiToolCallId]: call.id,
            [ATTR.step]: meter.steps,
          },
        },
        async (span) => {
          const execute = () =>
            executeToolCall(call, tools, {
              goalId: opts.goalId,
              subtaskId: opts.subtaskId,
              agent: agent.name,
              signal: opts.signal,
              logger,
              effects: services.effects,
              maxOutputChars: loop.toolOutputMaxChars,
              reason: trimTo(response.text, 1_000),
              taint,
              knownEntities,
              approvedEffects: opts.approvedEffects ?? [],
            });
          // A read's result is journaled (a resumed run does not read again); writes replay from the effects ledger.
          const o =
            journal !== undefined && tools.get(call.name)?.kind === "read"
              ? await replayableRead(journal, call.id, execute)
              : await execute();
          span.setAttributes({
            [ATTR.toolOutcome]: o.outcome,
            ...(o.kind === undefined ? {} : { [ATTR.toolKind]: o.kind }),
          });
          return o;
        },
      );
      await services.emit({
        ...ids,
        type: "tool.call",
        step: meter.steps,
        tool: call.name,
        kind: outcome.kind,
        args: trimTo(call.rawArgs, ARGS_PREVIEW),
        outcome: outcome.fromJournal === true ? "replayed" : outcome.outcome,
        result: trimTo(outcome.content, ARGS_PREVIEW),
        ms: Date.now() - started,
      });
      logger.info(
        {
          event: "tool.call",
          tool: call.name,
          step: meter.steps,
          outcome: outcome.outcome,
          args: trimTo(call.rawArgs, ARGS_PREVIEW),
          result: trimTo(outcome.content, ARGS_PREVIEW),
          ms: Date.now() - started,
        },
        "tool call",
      );
      results.push({ toolCallId: call.id, toolName: call.name, content: outcome.content, isError: outcome.isError });
      if (outcome.readUntrusted) taint ??= "the run has read untrusted tool output";
      if (outcome.output !== undefined) leafValues(outcome.output, knownEntities);

      invalidStreak = outcome.outcome === "invalid" ? invalidStreak + 1 : 0;
      toolErrorStreak =
        outcome.outcome === "error" ? toolErrorStreak + 1 : outcome.outcome === "ok" ? 0 : toolErrorStreak;
      if (outcome.proposal !== undefined) {
        proposals.push(outcome.proposal);
        await services.propose(outcome.proposal);
        await services.emit({ ...ids, type: "proposal.created", proposal: outcome.proposal });
      }
      if (outcome.outcome !== "invalid") {
        const verdict = detector.record(call.name, call.args);
        if (verdict.looping) return fail("loop", verdict.reason);
      }
    }
    messages = [...messages, { role: "tool", results }];
    if (proposals.length > 0) return end("needs_approval", { proposals });
    if (invalidStreak >= loop.maxInvalidToolCalls)
      return fail(
        "invalid_tool_calls",
        `${invalidStreak} consecutive invalid tool calls; last: ${results.at(-1)?.content ?? ""}`,
      );
    if (toolErrorStreak >= loop.maxToolErrors)
      return fail("tool_error", `${toolErrorStreak} consecutive tool failures; last: ${results.at(-1)?.content ?? ""}`);
  }
}
