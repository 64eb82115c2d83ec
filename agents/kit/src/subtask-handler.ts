import { GoalId, SubtaskId, type SubtaskEnvelope, type SubtaskResult } from "@switchyard/contracts";
import {
  ATTR,
  errorMessage,
  GEN_AI_OPERATION,
  goalAttributes,
  markFailed,
  providerAttributes,
  ReleaseMessage,
  SPAN,
  withDeliverySpan,
  withSpan,
  type Buckets,
  type Bus,
  type DeliveryContext,
  type EventEmitter,
  type InvalidDelivery,
  type Logger,
  type Metrics,
  type RejectionReporter,
  type WorkStats,
} from "@switchyard/infra";
import { genAiProviderName } from "@switchyard/models";
import type { AgentDefinition } from "./define-agent.ts";
import type { RunServices } from "./loop/run-llm-agent.ts";
import type { ResolvedModel } from "./model/resolve-model.ts";
import type { RunRegistry } from "./run-registry.ts";
import { openRunJournal, type RunJournal } from "./run-journal.ts";
import { runSubtask } from "./run-subtask.ts";
import type { SubtaskLedger } from "./subtask-ledger.ts";
import type { ResultPublisher } from "./subtask-results.ts";

/** What handling a subtask needs. */
export type SubtaskHandlerDeps = {
  agent: AgentDefinition;
  bus: Bus;
  buckets: Buckets;
  logger: Logger;
  events: EventEmitter;
  rejections: RejectionReporter;
  model: ResolvedModel | undefined;
  services: RunServices;
  ledger: SubtaskLedger;
  results: ResultPublisher;
  runs: RunRegistry;
  /** Aborted when the service stops: a run cut short is released for another replica, not reported. */
  shutdown: AbortSignal;
  metrics?: Metrics;
  /** Every subtask that ended here, for the micro service's `$SRV.STATS`; a `failed` one is an error. */
  work: WorkStats;
};

/**
 * The agent side of one delivery: a subtask that already ran replays its recorded result; a cancelled goal's subtask
 * is not started; otherwise the agent runs under its budget, the result is recorded before it is published, and the
 * delivery is acked only after the result is stored in the stream.
 */
export function createSubtaskHandler(deps: SubtaskHandlerDeps) {
  const { agent, bus, buckets, events, results, ledger, runs } = deps;
  const { names, config } = bus;

  async function run(envelope: SubtaskEnvelope, log: Logger): Promise<SubtaskResult> {
    if (envelope.agent !== agent.name) {
      const message = `subtask for agent "${envelope.agent}" was delivered to "${agent.name}"`;
      return results.ranNothing(envelope, "failed", "bad_input", message);
    }
    return withSpan(
      SPAN.invokeAgent(agent.name),
      {
        attributes: {
          [ATTR.genAiOperation]: GEN_AI_OPERATION.invokeAgent,
          [ATTR.genAiAgentName]: agent.name,
          ...goalAttributes({ goalId: envelope.goalId, tenant: envelope.tenant, user: envelope.user }),
          [ATTR.subtaskId]: envelope.subtaskId,
          // The same model id as the `chat` spans under it; the configured model string next to it.
          ...(deps.model === undefined
            ? {}
            : {
                ...providerAttributes(genAiProviderName(deps.model.provider.name)),
                [ATTR.genAiRequestModel]: deps.model.model,
                [ATTR.model]: deps.model.modelString,
              }),
        },
      },
      async (span) => {
        const cancel = runs.start(envelope.goalId);
        try {
          const journal = agent.kind === "llm" ? await openJournal(envelope, log) : undefined;
          const r = await runSubtask({
            agent,
            envelope,
            instance: config.instance,
            logger: log,
            signal: AbortSignal.any([deps.shutdown, cancel.signal]),
            model: deps.model,
            services: deps.services,
            journal,
          });
          span.setAttributes({
            [ATTR.status]: r.status,
            [ATTR.genAiInputTokens]: r.usage.inputTokens,
            [ATTR.genAiOutputTokens]: r.usage.outputTokens,
            [ATTR.costUsd]: r.usage.costUsd,
            ...(r.failure === undefined ? {} : { [ATTR.failureKind]: r.failure.kind }),
          });
          // A run that failed or hit a limit did not do its work: an error in every trace view.
          if (r.status === "failed" || r.status.startsWith("limit_"))
            markFailed(span, r.failure?.kind ?? r.status, r.failure?.message ?? r.status);
          return r;
        } finally {
          runs.finish(envelope.goalId, cancel);
        }
      },
    );
  }

  /** The run's journal; a run whose journal cannot be opened runs from step 1 (and says so in the log). */
  async function openJournal(envelope: SubtaskEnvelope, log: Logger): Promise<RunJournal | undefined> {
    try {
      const previous =
        envelope.attempt > 1 ? await ledger.find(envelope.goalId, envelope.subtaskId, envelope.attempt - 1) : undefined;
      return await openRunJournal({ kv: buckets.effects, names, agent: agent.name, envelope, previous, logger: log });
    } catch (err) {
      log.warn(
        { event: "journal.unavailable", err: errorMessage(err) },
        "run journal unavailable; running from step 1",
      );
      return undefined;
    }
  }

  async function handleSubtask(envelope: SubtaskEnvelope, ctx: DeliveryContext, traceId: string): Promise<void> {
    const startedAt = performance.now();
    const log = deps.logger.child({
      goalId: envelope.goalId,
      subtaskId: envelope.subtaskId,
      attempt: envelope.attempt,
      traceId,
    });
    const ids = { goalId: envelope.goalId, tenant: envelope.tenant, subtaskId: envelope.subtaskId, agent: agent.name };
    // Both lookups at once: they are on the path of every subtask.
    const [recorded, cancelEntry] = await Promise.all([
      ledger.find(envelope.goalId, envelope.subtaskId, envelope.attempt),
      buckets.goals.get(names.keys.cancel(envelope.goalId)),
    ]);
    if (recorded !== undefined) {
      log.info({ event: "subtask.replayed", delivery: ctx.deliveryCount }, "subtask already ran; replaying its result");
      await events.emitSafely({
        ...ids,
        type: "subtask.replayed",
        instance: config.instance,
        reason: "result already recorded in the ledger",
      });
      await results.publish(recorded);
      return;
    }
    // Sent while the subtask runs (not on the path of a quick one); it is in the stream before the result is.
    const started = events.emitSafely({
      ...ids,
      type: "subtask.started",
      attempt: envelope.attempt,
      instance: config.instance,
    });
    log.info({ event: "subtask.started", delivery: ctx.deliveryCount }, "subtask started");
    // A goal cancelled while this subtask waited in the queue is not started at all.
    const [result] = await Promise.all([
      cancelEntry?.operation === "PUT"
        ? results.ranNothing(envelope, "cancelled", "bad_input", "")
        : run(envelope, log),
      started,
    ]);
    if (result.status === "cancelled" && deps.shutdown.aborted) {
      // Shutting down is not the subtask's fault: let another replica run it.
      throw new ReleaseMessage("shutting down; subtask released for redelivery");
    }
    const onRecord = await results.recordAndPublish(result);
    countEnded(startedAt, onRecord);
    await events.emitSafely({
      ...ids,
      type: "subtask.finished",
      attempt: envelope.attempt,
      status: onRecord.status,
      usage: onRecord.usage,
      failure: onRecord.failure,
    });
    log.info(
      { event: "subtask.finished", status: onRecord.status, ms: onRecord.usage.ms, failure: onRecord.failure },
      "subtask finished",
    );
  }

  /** Counts a subtask that ended here; a replay or a release is not counted (its run counts where it ends). */
  function countEnded(startedAt: number, result: SubtaskResult): void {
    const failed = result.status === "failed";
    deps.work.record(performance.now() - startedAt, failed ? (result.failure?.message ?? "failed") : undefined);
  }

  return {
    /** Runs one delivery under a consumer span whose parent is the coordinator's publish span (from the headers). */
    deliver(envelope: SubtaskEnvelope, ctx: DeliveryContext): Promise<void> {
      return withDeliverySpan(
        ctx,
        { [ATTR.goalId]: envelope.goalId, [ATTR.subtaskId]: envelope.subtaskId },
        async (span) => {
          deps.metrics?.inFlight.inc();
          try {
            await handleSubtask(envelope, ctx, span.spanContext().traceId);
          } finally {
            deps.metrics?.inFlight.dec();
          }
        },
      );
    },

    /** A task message that breaks the schema: reported; if its ids can be read, its goal gets a failed result. */
    async rejectDelivery(bad: InvalidDelivery): Promise<void> {
      const startedAt = performance.now();
      const raw = (typeof bad.raw === "object" && bad.raw !== null ? bad.raw : {}) as Record<string, unknown>;
      const goalId = GoalId.safeParse(raw["goalId"]);
      const subtaskId = SubtaskId.safeParse(raw["subtaskId"]);
      const attempt = typeof raw["attempt"] === "number" && Number.isInteger(raw["attempt"]) ? raw["attempt"] : 1;
      await deps.rejections.report({
        subject: bad.subject,
        goalId: goalId.success ? goalId.data : undefined,
        reason: bad.reason,
        issues: bad.issues,
      });
      if (goalId.success && subtaskId.success && attempt > 0) {
        const ids = { goalId: goalId.data, subtaskId: subtaskId.data, attempt };
        await results.recordAndPublish(results.ranNothing(ids, "failed", "bad_input", bad.reason));
      }
      deps.work.record(performance.now() - startedAt, `invalid subtask: ${bad.reason}`);
    },

    /** The last delivery failed too (the handler kept throwing): the subtask fails `crashed`. */
    async giveUp(envelope: SubtaskEnvelope, _ctx: DeliveryContext, err: unknown): Promise<void> {
      const startedAt = performance.now();
      const message = `gave up after ${config.maxDeliver} deliveries: ${errorMessage(err)}`;
      countEnded(startedAt, await results.recordAndPublish(results.ranNothing(envelope, "failed", "crashed", message)));
    },
  };
}
