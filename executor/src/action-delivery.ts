import {
  ActionOutcome,
  ApprovalPolicyVersion,
  ApprovalRecord,
  WIRE_VERSION,
  type ApprovedAction,
  type RefusalCode,
} from "@switchyard/contracts";
import {
  ATTR,
  errorMessage,
  GEN_AI_OPERATION,
  GEN_AI_TOOL_TYPE,
  getJson,
  goalAttributes,
  headersForSpan,
  markFailed,
  publishJson,
  ReleaseMessage,
  RetryLater,
  SPAN,
  withDeliverySpan,
  withSpan,
  type Buckets,
  type Bus,
  type DeliveryContext,
  type EventEmitter,
  type ExecutorMetrics,
  type Logger,
  type RejectionReporter,
  type Versioned,
  type WorkStats,
} from "@switchyard/infra";
import { judgeClaim, type ActionEntry, type ActionLedger, type SettledEntry } from "./action-ledger.ts";
import { checkApprovedAction } from "./approval-check.ts";
import type { ActionDefinition } from "./define-action.ts";
import { createKeyedLock } from "./keyed-lock.ts";
import { MAY_HAVE_RUN, runAction } from "./run-action.ts";

/** What handling approved actions needs. */
export type ActionDeliveryDeps = {
  bus: Bus;
  buckets: Buckets;
  logger: Logger;
  events: EventEmitter;
  rejections: RejectionReporter;
  actions: ReadonlyMap<string, ActionDefinition>;
  ledger: ActionLedger;
  timeoutMs: number;
  leaseMs: number;
  /** Aborted when the executor stops after its grace: running actions record a failed outcome. */
  shutdown: AbortSignal;
  /** True once the executor is stopping: actions not started yet are released to another replica. */
  stopping(): boolean;
  metrics?: ExecutorMetrics;
  /** Every action that ended here, for the micro service's `$SRV.STATS`; a failed or refused one is an error. */
  work: WorkStats;
};

/** One delivery being handled. */
type Delivery = {
  message: ApprovedAction;
  log: Logger;
  headers: Record<string, string>;
  lastDelivery: boolean;
  /** `performance.now()` when its handling began. */
  startedAt: number;
};

/**
 * The executor side of one approved action: checked against the approval record (which only the approval authority
 * writes) or refused; claimed in the ledger before it runs and its outcome recorded after; the outcome published
 * (msg id `outcome/<id>`) for the authority to settle. A redelivery republishes the recorded outcome; a claim without
 * an outcome (a crash mid-action) is never run again.
 */
export function createActionDelivery(deps: ActionDeliveryDeps) {
  const { bus, buckets, ledger } = deps;
  const { names, config } = bus;
  const lock = createKeyedLock();

  async function publishOutcome(
    d: Delivery,
    outcome: Pick<ActionOutcome, "status" | "code" | "result" | "error">,
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
      { msgId: `outcome/${proposal.id}/${outcome.code ?? outcome.status}`, headers: d.headers },
    );
    if (ack.duplicate) d.log.debug({ event: "action.outcome_duplicate" }, "outcome already in the stream");
    await deps.events.emitSafely({
      type: "action.finished",
      goalId: proposal.goalId,
      tenant: d.message.tenant,
      subtaskId: proposal.subtaskId,
      agent: proposal.agent,
      proposalId: proposal.id,
      tool: proposal.tool,
      status: outcome.status,
      error: outcome.error,
    });
  }

  /** Counts an action that ended here (refused, or run and recorded); a replayed outcome is not counted again. */
  function countEnded(d: Delivery, outcome: ActionOutcome["status"], error?: string): void {
    const ms = performance.now() - d.startedAt;
    deps.work.record(ms, error);
    const { tool } = d.message.proposal;
    // Only the tools this executor runs become label values: a refused message may name any string.
    deps.metrics?.recordAction({ tool: deps.actions.has(tool) ? tool : "unknown", outcome, seconds: ms / 1000 });
  }

  /** Counts a recorded outcome that this delivery settled, then publishes it. */
  function settledHere(d: Delivery, entry: SettledEntry): Promise<void> {
    countEnded(d, entry.state, entry.state === "failed" ? entry.error : undefined);
    return conclude(d, entry);
  }

  async function refuse(d: Delivery, code: RefusalCode, reason: string): Promise<void> {
    d.log.warn({ event: "action.refused", code, reason }, `refused: ${reason}`);
    countEnded(d, "refused", `refused (${code}): ${reason}`);
    await deps.rejections.report({
      subject: names.subjects.actionExecute,
      goalId: d.message.proposal.goalId,
      reason: `action ${d.message.proposal.id} refused: ${reason}`,
    });
    await publishOutcome(d, { status: "refused", code, error: reason });
  }

  /** Publishes a recorded outcome: the end of every run and replay. */
  async function conclude(d: Delivery, entry: SettledEntry): Promise<void> {
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
    return settledHere(d, asSettled(settled.entry));
  }

  async function handleAction(d: Delivery): Promise<void> {
    const { proposal } = d.message;
    const found = await ledger.find(proposal.id);
    if (found !== undefined) return finishKnown(d, found);

    const [record, policy] = await Promise.all([
      getJson(buckets.approvals, names.keys.proposal(proposal.id), ApprovalRecord),
      getJson(buckets.approvals, names.keys.approvalPolicy, ApprovalPolicyVersion),
    ]);
    const check = checkApprovedAction({
      message: d.message,
      record: record?.value,
      policy: policy?.value,
      actions: deps.actions,
    });
    if (!check.ok) return refuse(d, check.code, check.reason);
    // Not started yet: leave it to another replica rather than start what a stop may cut short.
    if (deps.stopping()) throw new ReleaseMessage("executor is stopping; action released unrun");

    const claim = await ledger.claim(proposal.id, { instance: config.instance, leaseMs: deps.leaseMs });
    if (!claim.claimed) return finishKnown(d, claim.entry);
    d.log.info({ event: "action.started", approvedBy: d.message.approvedBy }, `running ${proposal.tool}`);
    const outcome = await withSpan(
      SPAN.executeTool(proposal.tool),
      {
        attributes: {
          [ATTR.genAiOperation]: GEN_AI_OPERATION.executeTool,
          [ATTR.genAiToolName]: proposal.tool,
          [ATTR.genAiToolType]: GEN_AI_TOOL_TYPE,
          [ATTR.genAiAgentName]: proposal.agent,
          [ATTR.toolKind]: proposal.kind,
          ...goalAttributes({ goalId: proposal.goalId }),
          [ATTR.subtaskId]: proposal.subtaskId,
        },
      },
      async (span) => {
        const o = await runAction(check.action, {
          proposal,
          args: check.args,
          timeoutMs: deps.timeoutMs,
          signal: deps.shutdown,
          logger: d.log,
        });
        span.setAttribute(ATTR.status, o.status);
        if (o.status !== "executed") markFailed(span, "action_failed", o.error);
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
    return settledHere(d, asSettled(settled.entry));
  }

  return {
    /** Handles one delivery under a consumer span; two deliveries of one proposal in this process take turns. */
    deliver(message: ApprovedAction, ctx: DeliveryContext): Promise<void> {
      const { proposal } = message;
      const goal = { goalId: proposal.goalId, tenant: ctx.headers["sy-tenant"], user: ctx.headers["sy-user"] };
      return withDeliverySpan(ctx, { ...goalAttributes(goal), [ATTR.subtaskId]: proposal.subtaskId }, async (span) => {
        const d: Delivery = {
          message,
          headers: headersForSpan(span),
          lastDelivery: ctx.lastDelivery,
          startedAt: performance.now(),
          log: deps.logger.child({
            proposalId: proposal.id,
            goalId: proposal.goalId,
            subtaskId: proposal.subtaskId,
            tool: proposal.tool,
            delivery: ctx.deliveryCount,
            traceId: span.spanContext().traceId,
          }),
        };
        deps.metrics?.inFlight.inc();
        try {
          await lock.run(proposal.id, () => handleAction(d));
        } finally {
          deps.metrics?.inFlight.dec();
        }
      });
    },

    /** The last delivery failed too: the action fails, as run or not run, per the ledger. */
    async giveUp(message: ApprovedAction, ctx: DeliveryContext, err: unknown): Promise<void> {
      const d: Delivery = {
        message,
        headers: {},
        lastDelivery: true,
        startedAt: performance.now(),
        log: deps.logger.child({ proposalId: message.proposal.id }),
      };
      const found = await ledger.find(message.proposal.id);
      const reason = `the executor gave up after ${ctx.deliveryCount} deliveries: ${errorMessage(err)}`;
      if (found === undefined) {
        const error = `${reason}; it did not run`;
        countEnded(d, "failed", error);
        await publishOutcome(d, { status: "failed", error });
      } else if (found.value.state === "claimed") {
        const failed: SettledEntry = {
          state: "failed",
          error: `${reason}; ${MAY_HAVE_RUN}`,
          instance: config.instance,
          at: new Date().toISOString(),
        };
        await settledHere(d, asSettled((await ledger.settle(message.proposal.id, failed, found.revision)).entry));
      } else {
        await conclude(d, found.value);
      }
    },
  };
}

/** A settle always leaves an outcome; a claim here would mean the entry was overwritten by a claim, so fail it. */
function asSettled(entry: ActionEntry): SettledEntry {
  if (entry.state !== "claimed") return entry;
  const error = `the ledger holds a claim without an outcome; ${MAY_HAVE_RUN}`;
  return { state: "failed", error, instance: entry.instance, at: entry.at };
}
