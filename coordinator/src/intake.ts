import {
  GoalId,
  GoalResult,
  PLANNER_STEP,
  TenantId,
  WIRE_VERSION,
  type Goal,
  type GoalFailure,
  type Plan,
  type Usage,
} from "@switchyard/contracts";
import {
  ATTR,
  goalAttributes,
  newTraceId,
  publishJson,
  SPAN,
  traceIdFrom,
  traceparentFor,
  traceparentOf,
  withSpan,
  type DeliveryContext,
  type InvalidDelivery,
  type Span,
} from "@switchyard/infra";
import type { CoordinatorDeps } from "./deps.ts";
import { goalDeadline } from "./goal-deadline.ts";
import { acceptedRecord, refusedRecord } from "./goal-state.ts";
import { decide } from "./reactor/decide.ts";
import { flushGoal, react } from "./reactor/react.ts";
import type { PlanFailureStatus, PlanRequest } from "./planner/llm-planner.ts";
import { withPlannerUsage } from "./planner/planner-usage.ts";
import { senderOf } from "./senders.ts";

/** Bound of an LLM planning whose caller passes no signal: 2 minutes. */
const FALLBACK_PLANNING_MS = 120_000;

/** A goal's plan, or why it has none; with what the LLM planner consumed and the status it ended with, if asked. */
export type PlanChoice =
  { plan: Plan; plannerUsage?: Usage } | { failure: GoalFailure; status?: PlanFailureStatus; plannerUsage?: Usage };

/** The plan a goal asked for (a template, or the LLM planner's for `plan: "llm"`), or why it cannot have it. */
export async function choosePlan(
  goal: Goal,
  deps: Pick<CoordinatorDeps, "templates" | "defaultPlan" | "planner">,
  request: Partial<Omit<PlanRequest, "budget">> = {},
): Promise<PlanChoice> {
  const name = goal.plan ?? deps.defaultPlan;
  const template = deps.templates[name];
  if (template !== undefined) {
    const { description: _description, ...plan } = template;
    return { plan };
  }
  if (name === "llm" && deps.planner !== undefined) {
    const signal = request.signal ?? AbortSignal.timeout(goal.budget.maxMs ?? FALLBACK_PLANNING_MS);
    const outcome = await deps.planner.plan(goal, { ...request, signal, budget: goal.budget });
    if ("plan" in outcome) return { plan: outcome.plan, plannerUsage: outcome.usage };
    return { failure: outcome.failure, status: outcome.status, plannerUsage: outcome.usage };
  }
  const known = Object.keys(deps.templates).sort().join(", ");
  const message =
    name === "llm"
      ? `plan "llm" is not available in this coordinator (no LLM planner is configured); use a template: ${known}`
      : `unknown plan "${name}"; known templates: ${known}`;
  return { failure: { kind: "bad_input", message } };
}

/**
 * Tells a tenant that its submission of `goalId` was refused: a failed GoalResult on the tenant's own done subject, so
 * a waiting backend hears back. Not when the tenant already has a goal of that id (a malformed or mismatched copy
 * must not report the real one as failed).
 */
async function refuseSubmission(
  tenant: string,
  goalId: string,
  failure: GoalFailure,
  traceparent: string | undefined,
  deps: CoordinatorDeps,
): Promise<void> {
  if ((await deps.store.getOwn(tenant, goalId)) !== undefined) return;
  const traceId = traceIdFrom(traceparent) ?? newTraceId();
  const result: GoalResult = {
    v: WIRE_VERSION,
    goalId,
    status: "failed",
    subtasks: [],
    usage: { steps: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, ms: 0 },
    traceId,
    pendingApprovals: [],
    failure,
    finishedAt: new Date().toISOString(),
  };
  await publishJson(deps.bus, deps.bus.names.subjects.goalDone(tenant, goalId), GoalResult, result, {
    headers: { traceparent: traceparentFor(traceId) },
  });
}

/**
 * Accepts a goal: checks it belongs to the tenant that submitted it, claims its idempotency key (a duplicate runs
 * nothing), plans it, stores its record and dispatches its first subtasks. Safe to run again for the same message:
 * every step is idempotent.
 */
export async function handleGoal(goal: Goal, ctx: DeliveryContext, deps: CoordinatorDeps, span: Span): Promise<void> {
  const { store, events, logger } = deps;
  const log = logger.child({ goalId: goal.id });
  const tenant = senderOf(ctx.subject);
  if (goal.tenant !== tenant) {
    const reason = `goal.tenant "${goal.tenant}" is not the tenant "${tenant}" of the subject it was submitted on`;
    await deps.rejections.report({
      subject: ctx.subject,
      sender: tenant,
      goalId: goal.id,
      reason,
      issues: [{ path: "tenant", message: `must equal the subject's tenant "${tenant}"` }],
    });
    await refuseSubmission(tenant, goal.id, { kind: "bad_input", message: reason }, ctx.headers["traceparent"], deps);
    return;
  }
  // A cancellation may come before the goal has a record (a backend that gave up at once): read with the record.
  const [existing, cancelledBefore] = await Promise.all([store.get(goal.id), store.cancelRequest(goal.id)]);
  if (existing !== undefined && existing.value.goal.tenant !== tenant) {
    // Goal ids are global: another tenant's goal keeps its id, and this tenant learns only that the id is taken.
    const reason = `goal id "${goal.id}" is already taken; submit the goal under another id`;
    await deps.rejections.report({ subject: ctx.subject, sender: tenant, goalId: goal.id, reason });
    await refuseSubmission(tenant, goal.id, { kind: "bad_input", message: reason }, ctx.headers["traceparent"], deps);
    return;
  }
  const idempotencyKey = goal.idempotencyKey ?? goal.id;
  // Without a key of its own a goal's key is its id, and its record (one per id) is the claim: nothing to write.
  const owner =
    goal.idempotencyKey === undefined ? goal.id : await store.claimIdempotencyKey(tenant, idempotencyKey, goal.id);
  if (owner !== goal.id) {
    log.info(
      { event: "goal.duplicate", originalGoalId: owner },
      "duplicate goal: the idempotency key belongs to another goal",
    );
    await events.emitSafely({ type: "goal.duplicate", goalId: goal.id, tenant, idempotencyKey, originalGoalId: owner });
    return;
  }
  // This message's span is the goal's root: every later span of the goal, in any process, hangs under it.
  span.setAttributes(goalAttributes({ goalId: goal.id, tenant: goal.tenant, user: goal.user }));
  // Without a tracer provider (a library user who never called initTelemetry) spans are no-ops with an all-zero id.
  const recording = !/^0+$/.test(span.spanContext().traceId);
  const trace = recording
    ? { traceId: span.spanContext().traceId, traceparent: traceparentOf(span) }
    : { traceId: traceIdFrom(ctx.headers["traceparent"]) ?? newTraceId() };
  const traceId = trace.traceId;
  const planName = goal.plan ?? deps.defaultPlan;
  // An LLM plan costs money: a goal that already has a record (redelivered, resubmitted) is not planned again.
  if (planName === "llm" && existing !== undefined) {
    if (ctx.deliveryCount === 1) await reportResubmission(goal, idempotencyKey, deps);
    await react(goal.id, { type: "wake" }, deps);
    return;
  }
  // Taken before planning: the planner's time counts against the goal's wall time.
  const acceptedAt = new Date();
  // Over its tenant's or user's quota: refused before planning, so no LLM plan is paid for either.
  const overQuota = await deps.quotas?.check(goal, acceptedAt);
  const choice: PlanChoice =
    overQuota !== undefined
      ? { failure: overQuota }
      : await withSpan(
          SPAN.plan(planName),
          { attributes: { [ATTR.plan]: planName, ...goalAttributes({ goalId: goal.id }) } },
          async () =>
            choosePlan(goal, deps, {
              signal: AbortSignal.timeout(planningMs(goal, acceptedAt, deps.defaultGoalMs)),
              onModelCall: (call) =>
                events.emitSafely({
                  type: "model.call",
                  goalId: goal.id,
                  tenant,
                  ...PLANNER_STEP,
                  purpose: "step",
                  ...call,
                }),
            }),
        );
  const now = new Date();
  // An LLM planning takes long enough for a cancellation to arrive meanwhile: read again after it.
  const cancelled =
    cancelledBefore !== undefined || (planName === "llm" && (await store.cancelRequest(goal.id)) !== undefined);
  const planned = withPlannerUsage(
    cancelled
      ? refusedRecord(goal, { status: "cancelled" }, trace, now)
      : "plan" in choice
        ? acceptedRecord(goal, choice.plan, trace, acceptedAt)
        : refusedRecord(goal, { status: "failed", failure: choice.failure }, trace, now),
    choice.plannerUsage,
    !cancelled && "status" in choice ? choice.status : undefined,
  );
  // Created with its first subtasks already claimed: the reactor's decision on a new record, in the same write.
  const record = decide(planned, { type: "submitted" }, { now, failurePolicies: deps.failurePolicies }) ?? planned;
  const created = await store.create(record);
  if (created !== undefined) {
    log.info({ event: "goal.accepted", traceId, plan: goal.plan ?? deps.defaultPlan }, "goal accepted");
    // Sent together; on one connection they reach the events stream in this order, before the dispatch events.
    await Promise.all([
      events.emitSafely(
        { type: "goal.accepted", goalId: goal.id, tenant, user: goal.user, plan: planName },
        undefined,
        `event/goal.accepted/${goal.id}`,
      ),
      record.plan === undefined
        ? undefined
        : events.emitSafely({
            type: "plan.created",
            goalId: goal.id,
            tenant,
            plan: record.plan,
            usage: record.plannerUsage,
          }),
      flushGoal(goal.id, deps, created),
    ]);
    return;
  } else if ((await store.getOwn(tenant, goal.id)) === undefined) {
    // Another tenant created a goal of this id between the check above and now.
    const reason = `goal id "${goal.id}" is already taken; submit the goal under another id`;
    await deps.rejections.report({ subject: ctx.subject, sender: tenant, goalId: goal.id, reason });
    return;
  } else if (ctx.deliveryCount === 1) {
    // A second submission of the same goal (a redelivery after a crash is expected and not reported).
    await reportResubmission(goal, idempotencyKey, deps);
  }
  // Accepted before (this is a redelivery or a resubmission): go on from what its record says.
  await react(goal.id, { type: "wake" }, deps);
}

async function reportResubmission(goal: Goal, idempotencyKey: string, deps: CoordinatorDeps): Promise<void> {
  deps.logger.info({ event: "goal.duplicate", goalId: goal.id, originalGoalId: goal.id }, "goal was already accepted");
  await deps.events.emitSafely({
    type: "goal.duplicate",
    goalId: goal.id,
    tenant: goal.tenant,
    idempotencyKey,
    originalGoalId: goal.id,
  });
}

/** How long planning may take: until the goal's deadline (its own, or its wall-time budget from acceptance). */
function planningMs(goal: Goal, acceptedAt: Date, defaultGoalMs: number): number {
  const end = goalDeadline({ goal, acceptedAt: acceptedAt.toISOString() }, defaultGoalMs);
  return Math.max(1, end - acceptedAt.getTime());
}

/**
 * Reports a goal message that is not JSON or breaks the schema: a rejection event, and when the goal id can be read,
 * a failed GoalResult on the submitting tenant's done subject, so a waiting backend hears back.
 */
export async function rejectGoal(bad: InvalidDelivery, deps: CoordinatorDeps): Promise<void> {
  const tenant = senderOf(bad.subject);
  const raw = typeof bad.raw === "object" && bad.raw !== null ? (bad.raw as Record<string, unknown>) : {};
  const id = GoalId.safeParse(raw["id"]);
  const goalId = id.success ? id.data : undefined;
  await deps.rejections.report({
    subject: bad.subject,
    sender: tenant,
    goalId,
    reason: bad.reason,
    issues: bad.issues,
  });
  if (goalId === undefined || !TenantId.safeParse(tenant).success) return;
  await refuseSubmission(tenant, goalId, { kind: "bad_input", message: bad.reason }, bad.headers["traceparent"], deps);
}
