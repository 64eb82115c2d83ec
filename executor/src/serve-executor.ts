import { ActionOutcome, ApprovalRecord, ApprovedAction, WIRE_VERSION } from "@switchyard/contracts";
import {
  ATTR,
  contextFromHeaders,
  ensureConsumer,
  errorMessage,
  GEN_AI_OPERATION,
  getJson,
  headersForSpan,
  publishJson,
  ReleaseMessage,
  RetryLater,
  SPAN,
  SpanKind,
  startConsumer,
  withSpan,
  type Buckets,
  type Bus,
  type DeliveryContext,
  type Logger,
  type Metrics,
  type Versioned,
} from "@switchyard/infra";
import { createActionLedger, judgeClaim, type ActionEntry, type SettledEntry } from "./action-ledger.ts";
import { checkApprovedAction, PROPOSAL_ID_PATTERN } from "./approval-check.ts";
import { recordAfterRun, recordNotRun, updateApprovalRecord } from "./approval-record.ts";
import { DEFAULT_ACTION_TIMEOUT_MS } from "./config.ts";
import type { ActionDefinition } from "./define-action.ts";
import { ExecutorError } from "./errors.ts";
import { registerExecutorService } from "./executor-service.ts";
import { createKeyedLock } from "./keyed-lock.ts";
import { MAY_HAVE_RUN, runAction } from "./run-action.ts";

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
  /** `sy_in_flight` follows the actions being handled. */
  metrics?: Metrics;
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

/** One delivery being handled. */
type Delivery = { message: ApprovedAction; log: Logger; headers: Record<string, string>; lastDelivery: boolean };

/**
 * Runs approved actions from `<prefix>.actions.execute` (durable consumer `executor`), each exactly once: the
 * approval is checked (status `approved`, the approved args hash, a known tool, valid args) or the action is refused;
 * the action is claimed in the ledger before it runs and its outcome recorded after; then the approval record is
 * settled (`executed` / `failed`), the `ActionOutcome` published (msg id `outcome/<id>`), and the message acked.
 * A redelivery republishes the recorded outcome; a claim without an outcome (a crash mid-action) is never run again.
 */
export async function serveExecutor(opts: ServeExecutorOptions): Promise<ServedExecutor> {
  const { bus, buckets } = opts;
  const { names, config } = bus;
  const logger = opts.logger.child({ service: "executor" });
  const actions = actionMap(opts.actions);
  const timeoutMs = opts.actionTimeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS;
  const leaseMs = timeoutMs + (opts.leaseGraceMs ?? DEFAULT_LEASE_GRACE_MS);
  const ledger = createActionLedger(buckets.effects);
  const lock = createKeyedLock();
  const shutdown = new AbortController();
  let stopping = false;
  const handling = new Set<Promise<void>>();

  await ensureConsumer(bus, {
    stream: names.streams.proposals,
    durable: names.consumers.executor,
    filterSubject: names.subjects.actionExecute,
  });

  async function publishOutcome(
    d: Delivery,
    outcome: Pick<ActionOutcome, "status" | "result" | "error">,
    executor = config.instance,
  ): Promise<void> {
    const { proposal } = d.message;
    const ack = await publishJson(
      bus,
      names.subjects.actionOutcome,
      ActionOutcome,
      {
        v: WIRE_VERSION,
        proposalId: proposal.id,
        goalId: proposal.goalId,
        subtaskId: proposal.subtaskId,
        ...outcome,
        executor: `executor/${executor}`,
        at: new Date().toISOString(),
      },
      { msgId: `outcome/${proposal.id}`, headers: d.headers },
    );
    if (ack.duplicate) d.log.debug({ event: "action.outcome_duplicate" }, "outcome already in the stream");
  }

  async function refuse(d: Delivery, reason: string): Promise<void> {
    d.log.warn({ event: "action.refused", reason }, `refused: ${reason}`);
    if (PROPOSAL_ID_PATTERN.test(d.message.proposal.id)) {
      await updateApprovalRecord(
        buckets.approvals,
        names,
        d.message.proposal.id,
        (r) => recordNotRun(r, `refused: ${reason}`),
        d.log,
      );
    }
    await publishOutcome(d, { status: "refused", error: reason });
  }

  /** Settles the approval record from a recorded outcome and publishes it: the end of every run and replay. */
  async function conclude(d: Delivery, entry: SettledEntry): Promise<void> {
    const executedBy = `executor/${entry.instance}`;
    await updateApprovalRecord(
      buckets.approvals,
      names,
      d.message.proposal.id,
      (r) => recordAfterRun(r, entry, executedBy),
      d.log,
    );
    await publishOutcome(
      d,
      entry.state === "executed"
        ? { status: "executed", result: entry.result }
        : { status: "failed", error: entry.error },
      entry.instance,
    );
    d.log.info(
      { event: `action.${entry.state}`, error: entry.state === "failed" ? entry.error : undefined },
      `action ${entry.state}`,
    );
  }

  /** A delivery of an action the ledger already knows: replay its outcome, wait for its run, or fail a dead claim. */
  async function finishKnown(d: Delivery, found: Versioned<ActionEntry>): Promise<void> {
    const entry = found.value;
    if (entry.state !== "claimed") {
      d.log.info({ event: "action.replayed" }, "action already ran; republishing its recorded outcome");
      return conclude(d, entry);
    }
    const verdict = judgeClaim(entry, { instance: config.instance, now: Date.now() });
    if (!verdict.stopped && !d.lastDelivery) {
      d.log.info(
        { event: "action.running_elsewhere", owner: entry.instance, waitMs: verdict.waitMs },
        "another executor is running this action; checking again when its lease ends",
      );
      throw new RetryLater(verdict.waitMs);
    }
    const error =
      `the executor (${entry.instance}) stopped after claiming ${d.message.proposal.tool} at ${entry.at} ` +
      `and before recording its outcome; ${MAY_HAVE_RUN}`;
    d.log.error({ event: "action.claim_without_outcome", owner: entry.instance }, error);
    const failed: SettledEntry = { state: "failed", error, instance: config.instance, at: new Date().toISOString() };
    const settled = await ledger.settle(d.message.proposal.id, failed, found.revision);
    return conclude(d, asSettled(settled.entry));
  }

  async function handleAction(d: Delivery): Promise<void> {
    const { proposal } = d.message;
    const found = await ledger.find(proposal.id);
    if (found !== undefined) return finishKnown(d, found);

    const record = await getJson(buckets.approvals, names.keys.proposal(proposal.id), ApprovalRecord);
    const check = checkApprovedAction({ message: d.message, record: record?.value, actions });
    if (!check.ok) return refuse(d, check.reason);
    // Not started yet: leave it to another replica rather than start what a stop may cut short.
    if (stopping) throw new ReleaseMessage("executor is stopping; action released unrun");

    const claim = await ledger.claim(proposal.id, { instance: config.instance, leaseMs });
    if (!claim.claimed) return finishKnown(d, claim.entry);
    d.log.info({ event: "action.started", approvedBy: d.message.approvedBy }, `running ${proposal.tool}`);
    const outcome = await withSpan(
      SPAN.executeTool(proposal.tool),
      {
        attributes: {
          [ATTR.genAiOperation]: GEN_AI_OPERATION.executeTool,
          [ATTR.genAiToolName]: proposal.tool,
          [ATTR.toolKind]: proposal.kind,
          [ATTR.goalId]: proposal.goalId,
          [ATTR.subtaskId]: proposal.subtaskId,
        },
      },
      async (span) => {
        const o = await runAction(check.action, {
          proposal,
          args: check.args,
          timeoutMs,
          signal: shutdown.signal,
          logger: d.log,
        });
        span.setAttribute(ATTR.status, o.status);
        return o;
      },
    );
    const now = new Date().toISOString();
    const entry: SettledEntry =
      outcome.status === "executed"
        ? { state: "executed", result: outcome.result, instance: config.instance, at: now }
        : { state: "failed", error: outcome.error, instance: config.instance, at: now };
    const settled = await ledger.settle(proposal.id, entry, claim.revision);
    if (!settled.written) {
      // Another replica took this run for dead (it outlived its lease); what it recorded stands, but a person must
      // learn what really happened.
      d.log.error(
        { event: "action.outcome_lost", outcome: entry, recorded: settled.entry },
        "the action finished after another executor recorded it as failed; this outcome is only in this log",
      );
    }
    return conclude(d, asSettled(settled.entry));
  }

  function handle(message: ApprovedAction, ctx: DeliveryContext): Promise<void> {
    const { proposal } = message;
    const task = withSpan(
      SPAN.process(ctx.subject),
      {
        kind: SpanKind.CONSUMER,
        parent: contextFromHeaders(ctx.headers),
        attributes: {
          [ATTR.messagingSystem]: "nats",
          [ATTR.messagingDestination]: ctx.subject,
          [ATTR.messagingOperation]: "process",
          [ATTR.goalId]: proposal.goalId,
          [ATTR.subtaskId]: proposal.subtaskId,
        },
      },
      async (span) => {
        const d: Delivery = {
          message,
          headers: headersForSpan(span),
          lastDelivery: ctx.lastDelivery,
          log: logger.child({
            proposalId: proposal.id,
            goalId: proposal.goalId,
            subtaskId: proposal.subtaskId,
            tool: proposal.tool,
            delivery: ctx.deliveryCount,
            traceId: span.spanContext().traceId,
          }),
        };
        if (!PROPOSAL_ID_PATTERN.test(proposal.id)) {
          return refuse(d, `proposal id "${proposal.id}" is not a valid key (${String(PROPOSAL_ID_PATTERN)})`);
        }
        opts.metrics?.inFlight.inc();
        try {
          // Two deliveries of one proposal in this process take turns; the second then finds the first's outcome.
          await lock.run(proposal.id, () => handleAction(d));
        } finally {
          opts.metrics?.inFlight.dec();
        }
      },
    );
    handling.add(task);
    void task.finally(() => handling.delete(task)).catch(() => undefined);
    return task;
  }

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
    handle,
    async onInvalid(bad) {
      // Without a valid proposal there is no record to fail nor an outcome to address: the log is the report.
      logger.error({ event: "action.invalid_message", reason: bad.reason, issues: bad.issues }, bad.reason);
    },
    async onExhausted(message, ctx, err) {
      const d: Delivery = {
        message,
        headers: {},
        lastDelivery: true,
        log: logger.child({ proposalId: message.proposal.id }),
      };
      const found = await ledger.find(message.proposal.id);
      const reason = `the executor gave up after ${ctx.deliveryCount} deliveries: ${errorMessage(err)}`;
      if (found === undefined) {
        const error = `${reason}; it did not run`;
        await updateApprovalRecord(buckets.approvals, names, message.proposal.id, (r) => recordNotRun(r, error), d.log);
        await publishOutcome(d, { status: "failed", error });
      } else if (found.value.state === "claimed") {
        const failed: SettledEntry = {
          state: "failed",
          error: `${reason}; ${MAY_HAVE_RUN}`,
          instance: config.instance,
          at: new Date().toISOString(),
        };
        await conclude(d, asSettled((await ledger.settle(message.proposal.id, failed, found.revision)).entry));
      } else {
        await conclude(d, found.value);
      }
    },
  });

  const service = await registerExecutorService(bus, opts.actions);
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

/** A settle always leaves an outcome; a claim here would mean the entry was overwritten by a claim, so fail it. */
function asSettled(entry: ActionEntry): SettledEntry {
  if (entry.state !== "claimed") return entry;
  const error = `the ledger holds a claim without an outcome; ${MAY_HAVE_RUN}`;
  return { state: "failed", error, instance: entry.instance, at: entry.at };
}
