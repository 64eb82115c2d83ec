import { Goal, GoalAnswer, GoalTimer, OutputReview, SubtaskResult } from "@switchyard/contracts";
import type { z } from "zod";
import {
  createEventEmitter,
  withMetrics,
  withDeliverySpan,
  type DeliveryContext,
  type CoordinatorMetrics,
  type EventEmitter,
  type RunningConsumer,
  type Span,
  type StartConsumerOptions,
  ensureConsumer,
  startConsumer,
  createRejectionReporter,
  type Buckets,
  type Bus,
  type Logger,
} from "@switchyard/infra";
import { handleAnswer, rejectAnswer } from "./answers.ts";
import { createApprovalAuthority } from "./approvals/approval-authority.ts";
import { addBacklogGauges } from "./backlog-gauges.ts";
import { startApprovalConsumers } from "./approvals/approval-consumers.ts";
import { ApprovalPolicies } from "./approvals/approval-policy.ts";
import { serveCancelRequests } from "./cancellation.ts";
import type { CoordinatorDeps, FallbackHandler } from "./deps.ts";
import type { FailurePolicies } from "./failure-policy.ts";
import { handleTimer, TIMER_MAX_ACK_PENDING } from "./goal-timers.ts";
import { watchExhaustedSubtasks } from "./exhausted-subtasks.ts";
import { serveGoalRequests } from "./goal-requests.ts";
import { createGoalStore } from "./goal-store.ts";
import { withLeaderReads } from "./leader-reads.ts";
import { handleGoal, rejectGoal } from "./intake.ts";
import type { Planner } from "./planner/llm-planner.ts";
import { parseQuotaPolicy, type QuotaPolicy } from "./quota-policy.ts";
import { createQuotaStore } from "./quotas.ts";
import { handleOutputReview, rejectOutputReview } from "./output-reviews.ts";
import { handleResult, rejectResult } from "./results.ts";
import { senderOf } from "./senders.ts";
import { BUILTIN_TEMPLATES, type TemplateCatalog } from "./template-plans.ts";
import { publishTemplates } from "./template-publication.ts";

/** Default plan of a goal that names none (until the LLM planner exists). */
export const DEFAULT_PLAN = "demo";
/** Default wall time of a goal whose budget sets no `maxMs`: 10 minutes. */
export const DEFAULT_GOAL_MS = 600_000;
/**
 * Messages of each kind one coordinator replica handles at once. Its handlers are a few KV and bus round trips (an
 * agent's may be minutes of model calls), so it takes many more than an agent's `SY_MAX_IN_FLIGHT`: with too few, a
 * busy replica pulls one message per free slot, a round trip each.
 */
export const DEFAULT_COORDINATOR_IN_FLIGHT = 256;

/**
 * The coordinator never gives a goal or a result up: a failing step is retried with backoff (capped at 30 s) and
 * logged on every attempt, so an outage of KV or of the bus delays goals instead of losing them.
 */
const UNLIMITED_DELIVERIES = -1;

/** Handles a message under a consumer span whose parent is the trace context in the message's headers. */
export function traced(ctx: DeliveryContext, fn: (span: Span) => Promise<void>): Promise<void> {
  return withDeliverySpan(ctx, {}, fn);
}

function withOptionalMetrics(events: EventEmitter, metrics: CoordinatorMetrics | undefined): EventEmitter {
  return metrics === undefined ? events : withMetrics(events, metrics);
}

/** Options of {@link createCoordinator}. */
export type CoordinatorOptions = {
  bus: Bus;
  buckets: Buckets;
  logger: Logger;
  /**
   * Step events, proposals and approval decisions are also counted here (Prometheus), and the agents' backlog and the
   * pending timers are read into it at each scrape (see backlog-gauges.ts).
   */
  metrics?: CoordinatorMetrics;
  /** Template plans by name; default the built-in ones. */
  templates?: TemplateCatalog;
  /** Default `DEFAULT_PLAN`. */
  defaultPlan?: string;
  /** Default `DEFAULT_GOAL_MS`. */
  defaultGoalMs?: number;
  /** Messages of each kind (goals, results, answers, timers) handled at once; default `DEFAULT_COORDINATOR_IN_FLIGHT`. */
  maxInFlight?: number;
  /** Plans goals that ask for `plan: "llm"`; default none (such goals are refused with a clear message). */
  planner?: Planner;
  /** Spend limits per tenant and user in a time window; default none (unlimited, and no accounting). */
  quotas?: QuotaPolicy;
  /** Retry and fallback policies by agent (`*` for the rest). Default: one retry of `crashed`/`model_error` after 2 s. */
  failurePolicies?: FailurePolicies;
  /** Deterministic handlers a failure policy may fall back to, by name. */
  fallbackHandlers?: Record<string, FallbackHandler>;
  /** What may be approved without a person, and the review deadline. Default: everything waits for a person, 24 h. */
  approvalPolicies?: z.input<typeof ApprovalPolicies>;
};

/** A running coordinator. */
export type Coordinator = {
  /** Stops taking messages and waits (bounded) for the in-flight ones; unfinished work is redelivered. */
  stop(): Promise<void>;
};

/**
 * Starts a coordinator replica: consumes goals and subtask results from the shared durable consumers. It keeps no
 * state of its own (all of it is in KV), so any number of replicas can run and any of them can finish any goal.
 */
export async function createCoordinator(opts: CoordinatorOptions): Promise<Coordinator> {
  const { bus } = opts;
  const buckets = await withLeaderReads(bus, opts.buckets);
  const { names } = bus;
  const templates = opts.templates ?? BUILTIN_TEMPLATES;
  const defaultPlan = opts.defaultPlan ?? DEFAULT_PLAN;
  if (defaultPlan !== "llm" && templates[defaultPlan] === undefined) {
    throw new Error(`default plan "${defaultPlan}" is not a known template (${Object.keys(templates).join(", ")})`);
  }
  const logger = opts.logger.child({ component: "coordinator" });
  const maxInFlight = opts.maxInFlight ?? DEFAULT_COORDINATOR_IN_FLIGHT;
  const events = withOptionalMetrics(createEventEmitter(bus, names.sources.coordinator, logger), opts.metrics);
  if (opts.metrics !== undefined) addBacklogGauges(opts.metrics, { bus, logger });
  const deps: CoordinatorDeps = {
    bus,
    store: createGoalStore(bus, buckets),
    logger,
    events,
    rejections: createRejectionReporter(events, logger),
    templates,
    defaultPlan,
    defaultGoalMs: opts.defaultGoalMs ?? DEFAULT_GOAL_MS,
    planner: opts.planner,
    quotas: opts.quotas && createQuotaStore(bus, buckets, parseQuotaPolicy(opts.quotas, "quotas")),
    failurePolicies: opts.failurePolicies ?? {},
    fallbackHandlers: opts.fallbackHandlers ?? {},
  };

  /** Runs one message's handler, counted in `sy_in_flight` while it runs. */
  async function counted(handle: () => Promise<void>): Promise<void> {
    opts.metrics?.inFlight.inc();
    try {
      await handle();
    } finally {
      opts.metrics?.inFlight.dec();
    }
  }

  /** One of the coordinator's durable inputs: its consumer ensured, then consumed with unlimited deliveries. */
  async function consume<S extends z.ZodType>(
    spec: Omit<StartConsumerOptions<S>, "bus" | "logger" | "maxDeliver" | "maxInFlight"> & {
      filterSubject: string;
      maxAckPending?: number;
    },
  ): Promise<RunningConsumer> {
    const { filterSubject, maxAckPending, ...rest } = spec;
    const { stream, durable } = spec;
    await ensureConsumer(bus, { stream, durable, filterSubject, maxDeliver: UNLIMITED_DELIVERIES, maxAckPending });
    const handle: StartConsumerOptions<S>["handle"] = (value, ctx) => counted(() => rest.handle(value, ctx));
    return startConsumer({ ...rest, handle, bus, logger, maxDeliver: UNLIMITED_DELIVERIES, maxInFlight });
  }

  const { streams, consumers, subjects } = names;
  const goals = await consume({
    stream: streams.goals,
    durable: consumers.coordinatorGoals,
    filterSubject: subjects.goalSubmitAll,
    schema: Goal,
    what: "goal",
    // LLM planning can outlast ack_wait; a redelivery would plan (and pay) twice.
    heartbeat: true,
    handle: (goal, ctx) => traced(ctx, (span) => handleGoal(goal, ctx, deps, span)),
    onInvalid: (bad) => rejectGoal(bad, deps),
  });
  const results = await consume({
    stream: streams.results,
    durable: consumers.coordinatorResults,
    filterSubject: subjects.resultsAll,
    schema: SubtaskResult,
    what: "subtask result",
    handle: (result, ctx) => traced(ctx, () => handleResult(result, senderOf(ctx.subject), deps)),
    onInvalid: (bad) => rejectResult(bad, deps),
  });
  const answers = await consume({
    stream: streams.goals,
    durable: consumers.coordinatorAnswers,
    filterSubject: subjects.goalAnswerAll,
    schema: GoalAnswer,
    what: "answer",
    handle: (answer, ctx) => traced(ctx, () => handleAnswer(answer, senderOf(ctx.subject), deps)),
    onInvalid: (bad) => rejectAnswer(bad, deps),
  });
  const reviews = await consume({
    stream: streams.goals,
    durable: consumers.coordinatorReviews,
    filterSubject: subjects.goalReviewAll,
    schema: OutputReview,
    what: "output review",
    handle: (review, ctx) => traced(ctx, () => handleOutputReview(review, senderOf(ctx.subject), deps)),
    onInvalid: (bad) => rejectOutputReview(bad, deps),
  });
  const timers = await consume({
    stream: streams.goals,
    durable: consumers.coordinatorTimers,
    filterSubject: subjects.goalTimer,
    // A timer not yet due is nak'ed until its time, so it waits among the unacked deliveries: every outstanding
    // deadline, retry and review timer must fit there, or those past the limit are not delivered until others fire.
    maxAckPending: TIMER_MAX_ACK_PENDING,
    schema: GoalTimer,
    what: "timer",
    handle: (timer) => handleTimer(timer, deps),
    onInvalid: (bad) => deps.rejections.report({ subject: bad.subject, reason: bad.reason, issues: bad.issues }),
  });
  const authority = createApprovalAuthority(deps, {
    kv: buckets.approvals,
    policies: ApprovalPolicies.parse(opts.approvalPolicies ?? {}),
    metrics: opts.metrics,
  });
  await authority.start();
  await publishTemplates(buckets.goals, names, templates);
  deps.approvals = authority;
  const approvalConsumers = await startApprovalConsumers(deps, authority, UNLIMITED_DELIVERIES, (ctx, fn) =>
    counted(() => traced(ctx, fn)),
  );
  const cancellations = serveCancelRequests(deps);
  const exhausted = watchExhaustedSubtasks(deps);
  const requests = serveGoalRequests(deps);

  return {
    async stop() {
      exhausted.stop();
      await Promise.all([requests.stop(), cancellations.stop()]);
      await Promise.all([
        goals.stop(),
        results.stop(),
        answers.stop(),
        reviews.stop(),
        timers.stop(),
        ...approvalConsumers.map((c) => c.stop()),
      ]);
    },
  };
}
