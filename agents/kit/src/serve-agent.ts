import { Svcm, type Service } from "@nats-io/services";
import {
  ActionProposal,
  GoalId,
  SubtaskEnvelope,
  SubtaskId,
  SubtaskResult,
  WIRE_VERSION,
  type RunStatus,
} from "@switchyard/contracts";
import {
  ATTR,
  contextFromHeaders,
  createEventEmitter,
  ensureConsumer,
  errorMessage,
  GEN_AI_OPERATION,
  headersForSpan,
  publishJson,
  ReleaseMessage,
  SPAN,
  SpanKind,
  startConsumer,
  withMetrics,
  withSpan,
  type Buckets,
  type Bus,
  type DeliveryContext,
  type Logger,
  type Metrics,
} from "@switchyard/infra";
import type { AgentDefinition } from "./define-agent.ts";
import { createEffectsLedger } from "./effects-ledger.ts";
import type { RunServices } from "./loop/run-llm-agent.ts";
import { resolveModel, type ResolvedModel } from "./model/resolve-model.ts";
import { runSubtask } from "./run-subtask.ts";
import { createSubtaskLedger } from "./subtask-ledger.ts";

/** Options of {@link serveAgent}. */
export type ServeAgentOptions = {
  agent: AgentDefinition;
  bus: Bus;
  buckets: Buckets;
  logger: Logger;
  /** Subtasks run at once by this replica; default `config.maxInFlight`. */
  maxInFlight?: number;
  /** Step events are also counted here (Prometheus), and `sy_in_flight` follows the subtasks running. */
  metrics?: Metrics;
  /** The model of an LLM agent; default: resolved from `agent.model` and the environment. Tests pass fakes here. */
  model?: ResolvedModel;
};

/** A running agent service. */
export type ServedAgent = {
  /** Stops taking subtasks, lets running ones finish (bounded), and deregisters the micro service. */
  stop(): Promise<void>;
};

/**
 * Runs an agent as a service on the bus: one durable consumer `agent-<name>` shared by all replicas, each subtask
 * replayed from the ledger if it already ran, the result recorded before it is published and the task acked only
 * after the result is stored in the stream. Registers a NATS micro service whose metadata carries the agent card.
 */
export async function serveAgent(opts: ServeAgentOptions): Promise<ServedAgent> {
  const { agent, bus, buckets } = opts;
  const { names, config } = bus;
  const logger = opts.logger.child({ agent: agent.name });
  const source = `agent-${agent.name}/${config.instance}`;
  const plainEvents = createEventEmitter(bus, source, logger);
  const events = opts.metrics === undefined ? plainEvents : withMetrics(plainEvents, opts.metrics);
  const ledger = createSubtaskLedger(buckets.effects, names);
  const durable = names.consumers.agent(agent.name);
  const shutdown = new AbortController();
  // Resolved once, at start-up: a missing API key stops the service here, not at the first subtask.
  const model: ResolvedModel | undefined = opts.model ?? (agent.kind === "llm" ? resolveModel(agent.model) : undefined);
  const services: RunServices = {
    emit: (event) => events.emitSafely(event),
    effects: createEffectsLedger(buckets.effects),
    propose: async (proposal) => {
      await publishJson(bus, names.subjects.proposals, ActionProposal, proposal, { msgId: `proposal/${proposal.id}` });
    },
  };
  // Runs in flight by goal, so `<prefix>.control.cancel.<goalId>` can abort them.
  const running = new Map<string, Set<AbortController>>();
  const cancellations = bus.nc.subscribe(names.subjects.cancel("*"), {
    callback: (_err, msg) => {
      const goalId = msg.subject.split(".").at(-1) ?? "";
      for (const c of running.get(goalId) ?? []) c.abort(new Error(`goal ${goalId} was cancelled`));
    },
  });

  await ensureConsumer(bus, { stream: names.streams.tasks, durable, filterSubject: names.subjects.task(agent.name) });

  /** Publishes a result under a producer span, so the coordinator's processing of it joins the goal's trace. */
  async function publishResult(result: SubtaskResult): Promise<void> {
    const subject = names.subjects.results;
    await withSpan(
      SPAN.publish(subject),
      { kind: SpanKind.PRODUCER, attributes: messaging(subject, "publish") },
      (span) =>
        publishJson(bus, subject, SubtaskResult, result, {
          msgId: `result/${result.goalId}/${result.subtaskId}/${result.attempt}`,
          headers: headersForSpan(span),
        }),
    );
  }

  function messaging(subject: string, operation: "publish" | "process") {
    return {
      [ATTR.messagingSystem]: "nats",
      [ATTR.messagingDestination]: subject,
      [ATTR.messagingOperation]: operation,
    };
  }

  /** Runs one delivery under a consumer span whose parent is the coordinator's publish span (from the headers). */
  function handle(envelope: SubtaskEnvelope, ctx: DeliveryContext): Promise<void> {
    return withSpan(
      SPAN.process(ctx.subject),
      {
        kind: SpanKind.CONSUMER,
        parent: contextFromHeaders(ctx.headers),
        attributes: {
          ...messaging(ctx.subject, "process"),
          [ATTR.goalId]: envelope.goalId,
          [ATTR.subtaskId]: envelope.subtaskId,
        },
      },
      async (span) => {
        opts.metrics?.inFlight.inc();
        try {
          await handleSubtask(envelope, ctx, span.spanContext().traceId);
        } finally {
          opts.metrics?.inFlight.dec();
        }
      },
    );
  }

  async function handleSubtask(envelope: SubtaskEnvelope, ctx: DeliveryContext, traceId: string): Promise<void> {
    const log = logger.child({
      goalId: envelope.goalId,
      subtaskId: envelope.subtaskId,
      attempt: envelope.attempt,
      traceId,
    });
    const ids = { goalId: envelope.goalId, subtaskId: envelope.subtaskId, agent: agent.name };
    // Both lookups at once: they are on the path of every subtask.
    const [recorded, cancelEntry] = await Promise.all([
      ledger.find(envelope.goalId, envelope.subtaskId, envelope.attempt),
      buckets.goals.get(names.keys.cancel(envelope.goalId)),
    ]);
    if (recorded !== undefined) {
      log.info(
        { event: "subtask.replayed", delivery: ctx.deliveryCount },
        "subtask already ran; replaying its recorded result",
      );
      await events.emitSafely({
        ...ids,
        type: "subtask.replayed",
        instance: config.instance,
        reason: "result already recorded in the ledger",
      });
      await publishResult(recorded);
      return;
    }
    // A goal cancelled while this subtask waited in the queue is not started at all.
    const cancelRequested = cancelEntry?.operation === "PUT";
    await events.emitSafely({ ...ids, type: "subtask.started", attempt: envelope.attempt, instance: config.instance });
    log.info({ event: "subtask.started", delivery: ctx.deliveryCount }, "subtask started");
    const cancel = new AbortController();
    const runs = running.get(envelope.goalId) ?? new Set<AbortController>();
    running.set(envelope.goalId, runs.add(cancel));
    let result: SubtaskResult;
    try {
      result = cancelRequested
        ? cancelledResult(envelope)
        : envelope.agent === agent.name
          ? await withSpan(
              SPAN.invokeAgent(agent.name),
              {
                attributes: {
                  [ATTR.genAiOperation]: GEN_AI_OPERATION.invokeAgent,
                  [ATTR.genAiAgentName]: agent.name,
                  [ATTR.goalId]: envelope.goalId,
                  [ATTR.subtaskId]: envelope.subtaskId,
                  ...(model === undefined ? {} : { [ATTR.genAiRequestModel]: model.modelString }),
                },
              },
              async (span) => {
                const r = await runSubtask({
                  agent,
                  envelope,
                  instance: config.instance,
                  logger: log,
                  signal: AbortSignal.any([shutdown.signal, cancel.signal]),
                  model,
                  services,
                });
                span.setAttributes({
                  [ATTR.status]: r.status,
                  [ATTR.genAiInputTokens]: r.usage.inputTokens,
                  [ATTR.genAiOutputTokens]: r.usage.outputTokens,
                  [ATTR.costUsd]: r.usage.costUsd,
                  ...(r.failure === undefined ? {} : { [ATTR.failureKind]: r.failure.kind }),
                });
                return r;
              },
            )
          : misrouted(envelope);
    } finally {
      runs.delete(cancel);
      if (runs.size === 0) running.delete(envelope.goalId);
    }
    if (result.status === "cancelled" && shutdown.signal.aborted) {
      // Shutting down is not the subtask's fault: let another replica run it.
      throw new ReleaseMessage("shutting down; subtask released for redelivery");
    }
    const onRecord = await ledger.record(result);
    await publishResult(onRecord);
    await events.emitSafely({
      ...ids,
      type: "subtask.finished",
      status: onRecord.status,
      usage: onRecord.usage,
      failure: onRecord.failure,
    });
    log.info(
      { event: "subtask.finished", status: onRecord.status, ms: onRecord.usage.ms, failure: onRecord.failure },
      "subtask finished",
    );
  }

  function cancelledResult(envelope: SubtaskEnvelope): SubtaskResult {
    const now = new Date().toISOString();
    return {
      ...failedResult(envelope.goalId, envelope.subtaskId, envelope.attempt, "cancelled", "", now),
      failure: undefined,
    };
  }

  function misrouted(envelope: SubtaskEnvelope): SubtaskResult {
    const now = new Date().toISOString();
    return failedResult(
      envelope.goalId,
      envelope.subtaskId,
      envelope.attempt,
      "failed",
      `subtask for agent "${envelope.agent}" was delivered to "${agent.name}"`,
      now,
    );
  }

  function failedResult(
    goalId: string,
    subtaskId: string,
    attempt: number,
    status: RunStatus,
    message: string,
    now: string,
  ): SubtaskResult {
    return {
      v: WIRE_VERSION,
      goalId,
      subtaskId,
      idempotencyKey: `${goalId}/${subtaskId}`,
      agent: agent.name,
      instance: config.instance,
      attempt,
      status,
      failure: { kind: "bad_input", message },
      usage: { steps: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, ms: 0 },
      startedAt: now,
      finishedAt: now,
    };
  }

  const consumer = startConsumer({
    bus,
    stream: names.streams.tasks,
    durable,
    schema: SubtaskEnvelope,
    what: `subtask for ${agent.name}`,
    logger,
    maxInFlight: opts.maxInFlight,
    heartbeat: true,
    handle,
    async onInvalid(bad) {
      // If the ids can be read, the goal gets a failed result instead of waiting forever.
      const raw = (typeof bad.raw === "object" && bad.raw !== null ? bad.raw : {}) as Record<string, unknown>;
      const goalId = GoalId.safeParse(raw["goalId"]);
      const subtaskId = SubtaskId.safeParse(raw["subtaskId"]);
      await events.emitSafely({
        type: "message.rejected",
        goalId: goalId.success ? goalId.data : undefined,
        subject: bad.subject,
        reason: bad.reason,
        issues: bad.issues,
      });
      if (goalId.success && subtaskId.success) {
        const result = failedResult(goalId.data, subtaskId.data, 1, "failed", bad.reason, new Date().toISOString());
        await publishResult(await ledger.record(result));
      }
    },
    async onExhausted(envelope, _ctx, err) {
      const result = failedResult(
        envelope.goalId,
        envelope.subtaskId,
        envelope.attempt,
        "failed",
        `gave up after ${config.maxDeliver} deliveries: ${errorMessage(err)}`,
        new Date().toISOString(),
      );
      await publishResult(
        await ledger.record({ ...result, failure: { kind: "crashed", message: result.failure?.message ?? "" } }),
      );
    },
  });

  const service: Service = await new Svcm(bus.nc).add({
    name: agent.name,
    version: agent.version,
    description: agent.description,
    metadata: {
      [names.cardMetadataKey]: JSON.stringify(agent.card),
      sy_prefix: names.prefix,
      sy_instance: config.instance,
    },
  });
  service.addEndpoint("card", {
    subject: `${names.prefix}.agents.${agent.name}.card`,
    handler: (err, msg) => {
      if (err === null) msg.respond(JSON.stringify(agent.card));
    },
  });

  return {
    async stop() {
      shutdown.abort(new Error("agent service is stopping"));
      cancellations.unsubscribe();
      await consumer.stop();
      await service
        .stop()
        .catch((err: unknown) => logger.warn({ err: errorMessage(err) }, "could not stop the micro service"));
    },
  };
}
