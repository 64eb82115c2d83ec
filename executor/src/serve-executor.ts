import { ApprovedAction } from "@switchyard/contracts";
import {
  createEventEmitter,
  createRejectionReporter,
  createWorkStats,
  ensureConsumer,
  errorMessage,
  startConsumer,
  withMetrics,
  type Buckets,
  type Bus,
  type ExecutorMetrics,
  type Logger,
} from "@switchyard/infra";
import { createActionDelivery } from "./action-delivery.ts";
import { createActionLedger } from "./action-ledger.ts";
import { DEFAULT_ACTION_TIMEOUT_MS } from "./config.ts";
import type { ActionDefinition } from "./define-action.ts";
import { ExecutorError } from "./errors.ts";
import { registerExecutorService } from "./executor-service.ts";

/** Added to the action timeout to make a claim's lease: covers recording the outcome and clock skew. 5 s. */
export const DEFAULT_LEASE_GRACE_MS = 5_000;
/** How long `stop` lets running actions finish before aborting them: 12 s (a process is killed after 20 s). */
const STOP_GRACE_MS = 12_000;
/** How long `stop` waits for aborted actions to record their outcome: 3 s. */
const SETTLE_AFTER_ABORT_MS = 3_000;

/** Options of {@link serveExecutor}. */
export type ServeExecutorOptions = {
  /** The actions this executor runs, one per tool name. */
  actions: readonly ActionDefinition[];
  bus: Bus;
  buckets: Buckets;
  logger: Logger;
  /**
   * `sy_actions_total` and `sy_action_duration_seconds` count the actions that end here, `sy_in_flight` follows the
   * ones being handled, and its step events (`action.finished`, rejections) are counted.
   */
  metrics?: ExecutorMetrics;
  /** Longest one action may run; default {@link DEFAULT_ACTION_TIMEOUT_MS} (`SY_ACTION_TIMEOUT_MS`). */
  actionTimeoutMs?: number;
  /** Default {@link DEFAULT_LEASE_GRACE_MS}. */
  leaseGraceMs?: number;
  /** Actions handled at once by this replica; default `config.maxInFlight`. */
  maxInFlight?: number;
};

/** A running executor. */
export type ServedExecutor = {
  /** Stops taking actions, lets running ones finish (bounded), and deregisters the micro service. */
  stop(): Promise<void>;
};

/**
 * Runs approved actions from `<prefix>.actions.execute` (durable consumer `executor`), each exactly once and only as
 * the approval record says (see action-delivery.ts). The executor reads approval state and never writes it: the
 * approval authority settles the record from the outcome the executor publishes.
 */
export async function serveExecutor(opts: ServeExecutorOptions): Promise<ServedExecutor> {
  const { bus, buckets } = opts;
  const { names } = bus;
  const logger = opts.logger.child({ service: "executor" });
  const actions = actionMap(opts.actions);
  const timeoutMs = opts.actionTimeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS;
  const plainEvents = createEventEmitter(bus, names.sources.executor, logger);
  const events = opts.metrics === undefined ? plainEvents : withMetrics(plainEvents, opts.metrics);
  const rejections = createRejectionReporter(events, logger);
  const shutdown = new AbortController();
  let stopping = false;
  const handling = new Set<Promise<void>>();
  const work = createWorkStats();

  await ensureConsumer(bus, {
    stream: names.streams.proposals,
    durable: names.consumers.executor,
    filterSubject: names.subjects.actionExecute,
  });
  const delivery = createActionDelivery({
    bus,
    buckets,
    logger,
    events,
    rejections,
    actions,
    ledger: createActionLedger(buckets.effects, names),
    timeoutMs,
    leaseMs: timeoutMs + (opts.leaseGraceMs ?? DEFAULT_LEASE_GRACE_MS),
    shutdown: shutdown.signal,
    stopping: () => stopping,
    metrics: opts.metrics,
    work,
  });

  const consumer = startConsumer({
    bus,
    stream: names.streams.proposals,
    durable: names.consumers.executor,
    schema: ApprovedAction,
    what: "approved action",
    logger,
    maxInFlight: opts.maxInFlight,
    // `working()` while an action runs, so a long action is not redelivered to another replica.
    heartbeat: true,
    handle: (message, ctx) => {
      const task = delivery.deliver(message, ctx);
      handling.add(task);
      void task.finally(() => handling.delete(task)).catch(() => undefined);
      return task;
    },
    // Without a valid proposal there is no outcome to address: the rejection event is the report.
    onInvalid: (bad) => rejections.report({ subject: bad.subject, reason: bad.reason, issues: bad.issues }),
    onExhausted: (message, ctx, err) => delivery.giveUp(message, ctx, err),
  });

  const service = await registerExecutorService(bus, opts.actions, work);
  logger.info(
    { event: "executor.started", actions: [...actions.keys()], timeoutMs },
    `executor running ${[...actions.keys()].join(", ")}`,
  );

  return {
    async stop() {
      stopping = true;
      await consumer.stop(STOP_GRACE_MS);
      // Still running after the grace: abort, so each records a failed outcome instead of leaving a bare claim.
      shutdown.abort(new Error("executor is stopping"));
      const grace = new Promise((r) => setTimeout(r, SETTLE_AFTER_ABORT_MS).unref());
      await Promise.race([Promise.allSettled([...handling]), grace]);
      await service
        .stop()
        .catch((err: unknown) => logger.warn({ err: errorMessage(err) }, "could not stop the micro service"));
    },
  };
}

/** The actions by tool name; a duplicate name or an empty list is a configuration error. */
function actionMap(list: readonly ActionDefinition[]): Map<string, ActionDefinition> {
  if (list.length === 0) {
    throw new ExecutorError("SY_ERR_ACTION_DEFINITION", "caller", "serveExecutor needs at least one action");
  }
  const map = new Map<string, ActionDefinition>();
  for (const action of list) {
    if (map.has(action.tool)) {
      throw new ExecutorError("SY_ERR_ACTION_DEFINITION", "caller", `two actions are named "${action.tool}"`);
    }
    map.set(action.tool, action);
  }
  return map;
}
