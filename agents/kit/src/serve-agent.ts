import { ActionProposal, SubtaskEnvelope } from "@switchyard/contracts";
import {
  createEventEmitter,
  createRejectionReporter,
  createWorkStats,
  ensureConsumer,
  errorMessage,
  headersForActiveContext,
  publishJson,
  startConsumer,
  withMetrics,
  type Buckets,
  type Bus,
  type AgentMetrics,
  type Logger,
} from "@switchyard/infra";
import { registerAgentService } from "./agent-service.ts";
import type { AgentDefinition } from "./define-agent.ts";
import { createEffectsLedger } from "./effects-ledger.ts";
import type { RunServices } from "./loop/run-llm-agent.ts";
import { resolveModel, type ResolvedModel } from "./model/resolve-model.ts";
import { kvResponseCache, withResponseCache } from "./model/response-cache.ts";
import { listenForCancellations } from "./run-registry.ts";
import { createSubtaskHandler } from "./subtask-handler.ts";
import { createSubtaskLedger } from "./subtask-ledger.ts";
import { createResultPublisher } from "./subtask-results.ts";

/** Options of {@link serveAgent}. */
export type ServeAgentOptions = {
  agent: AgentDefinition;
  bus: Bus;
  buckets: Buckets;
  logger: Logger;
  /** Subtasks run at once by this replica; default `config.maxInFlight`. */
  maxInFlight?: number;
  /** Step events are also counted here (Prometheus), and `sy_in_flight` follows the subtasks running. */
  metrics?: AgentMetrics;
  /** The model of an LLM agent; default: resolved from `agent.model` and the environment. Tests pass fakes here. */
  model?: ResolvedModel;
};

/** A running agent service. */
export type ServedAgent = {
  /** Stops taking subtasks, lets running ones finish (bounded), and deregisters the micro service. */
  stop(): Promise<void>;
};

/**
 * Runs an agent as a service on the bus: one durable consumer `agent-<name>` on `<prefix>.tasks.<name>` shared by all
 * replicas; results, proposals and events go out under the agent's own subject tokens and its ledger entries under its
 * own keys (on an authorized bus, the agent's identity may use no others); a NATS micro service carries its card.
 */
export async function serveAgent(opts: ServeAgentOptions): Promise<ServedAgent> {
  const { agent, bus, buckets } = opts;
  const { names, config } = bus;
  const logger = opts.logger.child({ agent: agent.name });
  const plainEvents = createEventEmitter(bus, names.sources.agent(agent.name), logger);
  const events = opts.metrics === undefined ? plainEvents : withMetrics(plainEvents, opts.metrics);
  const ledger = createSubtaskLedger(buckets.effects, names, agent.name);
  const durable = names.consumers.agent(agent.name);
  const shutdown = new AbortController();
  // Resolved once, at start-up: a missing API key stops the service here, not at the first subtask.
  const resolved: ResolvedModel | undefined =
    opts.model ?? (agent.kind === "llm" ? resolveModel(agent.model) : undefined);
  // An agent that opted into the response cache keeps it in KV under its own keys, shared by its replicas.
  const model =
    resolved === undefined || agent.kind !== "llm" || agent.cache === undefined
      ? resolved
      : {
          ...resolved,
          provider: withResponseCache(
            resolved.provider,
            kvResponseCache(buckets.cache, names, agent.name),
            agent.cache,
          ),
        };
  const services: RunServices = {
    emit: (event) => events.emitSafely(event),
    effects: createEffectsLedger(buckets.effects),
    propose: async (proposal) => {
      // Sent from inside the tool call's span: the approval authority's handling joins the goal's trace.
      await publishJson(bus, names.subjects.proposals(agent.name), ActionProposal, proposal, {
        msgId: `proposal/${proposal.id}`,
        headers: headersForActiveContext(),
      });
    },
  };
  const runs = listenForCancellations(bus);
  const work = createWorkStats();

  await ensureConsumer(bus, { stream: names.streams.tasks, durable, filterSubject: names.subjects.task(agent.name) });
  const handler = createSubtaskHandler({
    agent,
    bus,
    buckets,
    logger,
    events,
    rejections: createRejectionReporter(events, logger),
    model,
    services,
    ledger,
    results: createResultPublisher(bus, agent.name, ledger, config.instance),
    runs,
    shutdown: shutdown.signal,
    metrics: opts.metrics,
    work,
  });
  const consumer = startConsumer({
    bus,
    stream: names.streams.tasks,
    durable,
    schema: SubtaskEnvelope,
    what: `subtask for ${agent.name}`,
    logger,
    maxInFlight: opts.maxInFlight,
    heartbeat: true,
    handle: (envelope, ctx) => handler.deliver(envelope, ctx),
    onInvalid: (bad) => handler.rejectDelivery(bad),
    onExhausted: (envelope, ctx, err) => handler.giveUp(envelope, ctx, err),
  });
  const service = await registerAgentService(bus, agent, work);

  return {
    async stop() {
      shutdown.abort(new Error("agent service is stopping"));
      runs.stop();
      await consumer.stop();
      await service
        .stop()
        .catch((err: unknown) => logger.warn({ err: errorMessage(err) }, "could not stop the micro service"));
    },
  };
}
