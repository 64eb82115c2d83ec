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
import { claimDispatch, markAnnounced, markPublished } from "./goal-state.ts";
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
  return {
    v: WIRE_VERSION,
    goalId: record.goal.id,
    subtaskId: subtask.id,
    idempotencyKey: `${record.goal.id}/${subtask.id}`,
    agent: subtask.agent,
    input: resolveTemplateInput(subtask.input, { goal: record.goal, upstream }),
    upstream,
    budget: subtask.budget ?? {},
    deadline: new Date(goalEnd).toISOString(),
    attempt: state?.type === "dispatched" ? state.attempt : 1,
    answers: record.answers?.[subtask.id],
    tenant: record.goal.tenant,
    user: record.goal.user,
  };
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
    for (const subtask of unpublished) {
      const envelope = envelopeFor(record, subtask, deps);
      const subject = bus.names.subjects.task(subtask.agent);
      await publishTraced(
        record,
        subject,
        { [ATTR.subtaskId]: subtask.id, [ATTR.genAiAgentName]: subtask.agent },
        (headers) =>
          // The msg id makes a republish after a crash a no-op inside the duplicate window; the agent's ledger covers the rest.
          publishJson(bus, subject, SubtaskEnvelope, envelope, {
            msgId: `${envelope.idempotencyKey}/${envelope.attempt}`,
            headers,
          }),
      );
      logger.info(
        { event: "subtask.dispatched", goalId, subtaskId: subtask.id, agent: subtask.agent, traceId: record.traceId },
        "subtask dispatched",
      );
      await deps.events.emitSafely({
        type: "subtask.dispatched",
        goalId,
        subtaskId: subtask.id,
        agent: subtask.agent,
        attempt: envelope.attempt,
      });
    }
    if (unpublished.length > 0) {
      const ids = unpublished.map((s) => s.id);
      await store.update(goalId, (r) => markPublished(r, ids));
    }
  }

  if (record.phase.type === "paused" && !record.phase.announced) {
    // An interim result: backends waiting on the done subject learn that the goal waits for a person, and why.
    const result = record.phase.result;
    const subject = bus.names.subjects.goalDone(goalId);
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
      status: result.status === "needs_approval" ? "needs_approval" : "needs_input",
      questions: waiting.flatMap((r) => (r.status === "needs_input" ? (r.assessment?.unknown ?? []) : [])),
      pendingApprovals: result.pendingApprovals,
    });
  }

  if (record.phase.type === "finished" && !record.phase.announced) {
    const result = record.phase.result;
    const subject = bus.names.subjects.goalDone(goalId);
    await publishTraced(
      record,
      subject,
      { [ATTR.status]: result.status, ...(result.failure ? { [ATTR.failureKind]: result.failure.kind } : {}) },
      (headers) => publishJson(bus, subject, GoalResult, result, { msgId: `done/${goalId}`, headers }),
    );
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
      status: result.status,
      usage: result.usage,
      failure: result.failure,
    });
  }
}
