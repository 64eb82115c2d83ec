import { GoalResult, SubtaskEnvelope, WIRE_VERSION, type GoalRecord, type PlannedSubtask } from "@switchyard/contracts";
import {
  ATTR,
  contextFromHeaders,
  headersForSpan,
  publishJson,
  SPAN,
  SpanKind,
  withSpan,
  type Span,
} from "@switchyard/infra";
import type { CoordinatorDeps } from "./deps.ts";
import { readySubtasks } from "./dag.ts";
import { goalSubtaskTimers, scheduleTimer } from "./timer-schedule.ts";
import { subtaskBudget } from "./goal-budget.ts";
import { claimDispatch, markAnnounced, markDeadlineScheduled, markPublished } from "./goal-state.ts";
import { resolveTemplateInput } from "./template-input.ts";

/** The absolute deadline of a goal: its own `deadline`, or acceptance time + budget (default) wall time. */
export function goalDeadline(record: GoalRecord, defaultGoalMs: number): number {
  const byBudget = Date.parse(record.acceptedAt) + (record.goal.budget.maxMs ?? defaultGoalMs);
  return record.goal.deadline === undefined ? byBudget : Math.min(byBudget, Date.parse(record.goal.deadline));
}

function envelopeFor(record: GoalRecord, subtask: PlannedSubtask, deps: CoordinatorDeps): SubtaskEnvelope {
  const upstream: Record<string, unknown> = {};
  for (const id of subtask.dependsOn) {
    const s = record.subtasks[id];
    if (s?.type === "finished") upstream[id] = s.result.output;
  }
  const state = record.subtasks[subtask.id];
  const goalEnd = goalDeadline(record, deps.defaultGoalMs);
  const runningTogether = Object.values(record.subtasks).filter((s) => s.type === "dispatched").length;
  return {
    v: WIRE_VERSION,
    goalId: record.goal.id,
    subtaskId: subtask.id,
    idempotencyKey: `${record.goal.id}/${subtask.id}`,
    agent: (state?.type === "dispatched" ? state.agent : undefined) ?? subtask.agent,
    input: resolveTemplateInput(subtask.input, { goal: record.goal, upstream }),
    upstream,
    budget: subtaskBudget(record, subtask.budget, runningTogether),
    deadline: new Date(goalEnd).toISOString(),
    attempt: state?.type === "dispatched" ? state.attempt : 1,
    answers: record.answers?.[subtask.id],
    approvedEffects: record.approvedEffects?.[subtask.id],
    trustedInput: subtask.trustedInput,
    tenant: record.goal.tenant,
    user: record.goal.user,
  };
}

/** Cancels what still runs of a goal that has ended: the KV flag stops queued subtasks, the message running ones. */
async function stopOutstanding(deps: CoordinatorDeps, goalId: string, reason: string): Promise<void> {
  const request = {
    v: WIRE_VERSION,
    goalId,
    reason,
    requestedBy: "coordinator",
    requestedAt: new Date().toISOString(),
  } as const;
  await deps.store.requestCancel(request);
  deps.bus.nc.publish(deps.bus.names.subjects.cancel(goalId), JSON.stringify(request));
}

/**
 * Publishes under a producer span that hangs under the goal's root span (stored in its record, so it works in any
 * process), carrying that span's trace context and the goal's attribution in the message headers.
 */
async function publishTraced(
  record: GoalRecord,
  subject: string,
  attributes: Record<string, string>,
  publish: (headers: Record<string, string>) => Promise<unknown>,
): Promise<void> {
  const parent = contextFromHeaders({ traceparent: record.traceparent });
  await withSpan(
    SPAN.publish(subject),
    {
      kind: SpanKind.PRODUCER,
      parent,
      attributes: {
        ...attributes,
        [ATTR.messagingSystem]: "nats",
        [ATTR.messagingDestination]: subject,
        [ATTR.messagingOperation]: "publish",
        [ATTR.goalId]: record.goal.id,
      },
    },
    async (span: Span) => {
      await publish({ ...headersForSpan(span), "sy-tenant": record.goal.tenant, "sy-user": record.goal.user });
    },
  );
}

/**
 * Moves a goal forward from whatever its KV record says, so it is safe to call any number of times from any
 * replica: claims and publishes every ready subtask, republishes claimed ones whose publish may not have
 * happened (a crash between claim and publish), and publishes the done event of a finished goal once.
 */
export async function advanceGoal(goalId: string, deps: CoordinatorDeps): Promise<void> {
  const { bus, store, logger } = deps;
  const current = await store.get(goalId);
  if (current === undefined) return;

  const ready = readySubtasks(current.value).map((s) => s.id);
  const record =
    ready.length === 0 ? current.value : await store.update(goalId, (r) => claimDispatch(r, ready, new Date()));

  if (record.phase.type === "running" && record.plan !== undefined) {
    const unpublished = record.plan.subtasks.filter((s) => {
      const st = record.subtasks[s.id];
      return st?.type === "dispatched" && !st.published;
    });
    // Independent subtasks go out together: the DAG's parallel branches start at the same time.
    await Promise.all(
      unpublished.map(async (subtask) => {
        const envelope = envelopeFor(record, subtask, deps);
        const subject = bus.names.subjects.task(envelope.agent);
        await publishTraced(
          record,
          subject,
          { [ATTR.subtaskId]: subtask.id, [ATTR.genAiAgentName]: envelope.agent },
          (headers) =>
            // The msg id makes a republish after a crash a no-op inside the duplicate window; the agent's ledger covers the rest.
            publishJson(bus, subject, SubtaskEnvelope, envelope, {
              msgId: `${envelope.idempotencyKey}/${envelope.attempt}`,
              headers,
            }),
        );
        logger.info(
          {
            event: "subtask.dispatched",
            goalId,
            subtaskId: subtask.id,
            agent: envelope.agent,
            traceId: record.traceId,
          },
          "subtask dispatched",
        );
        await deps.events.emitSafely({
          type: "subtask.dispatched",
          goalId,
          tenant: record.goal.tenant,
          subtaskId: subtask.id,
          agent: envelope.agent,
          attempt: envelope.attempt,
        });
      }),
    );
    if (unpublished.length > 0) {
      const ids = unpublished.map((s) => s.id);
      await store.update(goalId, (r) => markPublished(r, ids));
    }
    // Durable timers: the goal's deadline (once) and the end of every retry's backoff.
    if (record.deadlineScheduled !== true) {
      const at = new Date(goalDeadline(record, deps.defaultGoalMs));
      await scheduleTimer(deps, { goalId, kind: "deadline", at: at.toISOString() });
      await store.update(goalId, markDeadlineScheduled);
    }
    for (const timer of goalSubtaskTimers(record, new Date())) await scheduleTimer(deps, timer);
  }

  if (record.phase.type === "paused" && !record.phase.announced) {
    // An interim result: backends waiting on the done subject learn that the goal waits for a person, and why.
    const result = record.phase.result;
    const subject = bus.names.subjects.goalDone(record.goal.tenant, goalId);
    await publishTraced(record, subject, { [ATTR.status]: result.status }, (headers) =>
      publishJson(bus, subject, GoalResult, result, {
        msgId: `done/${goalId}/pause-${record.pausesSoFar ?? 1}`,
        headers,
      }),
    );
    await store.update(goalId, markAnnounced);
    logger.info({ event: "goal.paused", goalId, status: result.status, traceId: record.traceId }, "goal paused");
    const waiting = result.subtasks.filter((r) => r.status === "needs_input" || r.status === "needs_approval");
    await deps.events.emitSafely({
      type: "goal.paused",
      goalId,
      tenant: record.goal.tenant,
      status: result.status === "needs_approval" ? "needs_approval" : "needs_input",
      questions: waiting.flatMap((r) => (r.status === "needs_input" ? (r.assessment?.unknown ?? []) : [])),
      pendingApprovals: result.pendingApprovals,
    });
  }

  if (record.phase.type === "finished" && !record.phase.announced) {
    const result = record.phase.result;
    // Counted before the result goes out: a backend that hears "done" and submits again meets the updated spend.
    await deps.quotas?.recordSpend(record.goal, result);
    const subject = bus.names.subjects.goalDone(record.goal.tenant, goalId);
    await publishTraced(
      record,
      subject,
      { [ATTR.status]: result.status, ...(result.failure ? { [ATTR.failureKind]: result.failure.kind } : {}) },
      (headers) => publishJson(bus, subject, GoalResult, result, { msgId: `done/${goalId}`, headers }),
    );
    // A goal that ended early (a limit, a failure) may still have subtasks running: stop them spending.
    if (Object.values(record.subtasks).some((st) => st.type === "dispatched")) {
      await stopOutstanding(deps, goalId, `goal ended ${result.status}`);
    }
    await store.update(goalId, markAnnounced);
    logger.info(
      {
        event: "goal.finished",
        goalId,
        status: result.status,
        usage: result.usage,
        failure: result.failure,
        traceId: record.traceId,
      },
      "goal finished",
    );
    await deps.events.emitSafely({
      type: "goal.finished",
      goalId,
      tenant: record.goal.tenant,
      status: result.status,
      usage: result.usage,
      failure: result.failure,
    });
  }
}
