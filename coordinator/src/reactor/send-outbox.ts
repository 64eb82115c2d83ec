import { GoalResult, SubtaskEnvelope, WIRE_VERSION, type GoalRecord } from "@switchyard/contracts";
import { ATTR, contextFromHeaders, goalAttributes, publishJson, withPublishSpan } from "@switchyard/infra";
import type { CoordinatorDeps } from "../deps.ts";
import { scheduleTimer } from "../timer-schedule.ts";
import type { Outgoing } from "./outbox.ts";

/**
 * Sends what a goal's record owes, all at once (the DAG's parallel branches start together; nothing here waits on
 * anything else), each with its step event. Every message has a msg id, so sending again after a crash is harmless.
 */
export async function sendOutbox(record: GoalRecord, outgoing: Outgoing[], deps: CoordinatorDeps): Promise<void> {
  await Promise.all(outgoing.map((o) => send(record, o, deps)));
}

async function send(record: GoalRecord, o: Outgoing, deps: CoordinatorDeps): Promise<void> {
  switch (o.kind) {
    case "task":
      return sendTask(record, o.envelope, deps);
    case "timer":
      return scheduleTimer(deps, o.timer);
    case "paused":
      return announcePause(record, o.result, o.pause, deps);
    case "finished":
      return announceEnd(record, o.result, o.stopOutstanding, deps);
  }
}

async function sendTask(record: GoalRecord, envelope: SubtaskEnvelope, deps: CoordinatorDeps): Promise<void> {
  const { bus } = deps;
  const goalId = record.goal.id;
  const subject = bus.names.subjects.task(envelope.agent);
  const dispatched = publishTraced(
    record,
    subject,
    { [ATTR.subtaskId]: envelope.subtaskId, [ATTR.genAiAgentName]: envelope.agent },
    (headers) =>
      // The msg id makes a resend after a crash a no-op inside the duplicate window; the agent's ledger covers the rest.
      publishJson(bus, subject, SubtaskEnvelope, envelope, {
        msgId: `${envelope.idempotencyKey}/${envelope.attempt}`,
        headers,
      }),
  );
  // The event goes with the envelope, not after its ack: should the publish fail, the record still owes the send.
  await Promise.all([
    dispatched,
    deps.events.emitSafely(
      {
        type: "subtask.dispatched",
        goalId,
        tenant: record.goal.tenant,
        subtaskId: envelope.subtaskId,
        agent: envelope.agent,
        attempt: envelope.attempt,
      },
      undefined,
      `event/subtask.dispatched/${goalId}/${envelope.subtaskId}/${envelope.attempt}`,
    ),
  ]);
  deps.logger.info(
    {
      event: "subtask.dispatched",
      goalId,
      subtaskId: envelope.subtaskId,
      agent: envelope.agent,
      traceId: record.traceId,
    },
    "subtask dispatched",
  );
}

/** An interim result: backends waiting on the done subject learn that the goal waits for a person, and why. */
async function announcePause(record: GoalRecord, result: GoalResult, pause: number, deps: CoordinatorDeps) {
  const goalId = record.goal.id;
  const subject = deps.bus.names.subjects.goalDone(record.goal.tenant, goalId);
  const waiting = result.subtasks.filter((r) => r.status === "needs_input");
  await Promise.all([
    publishTraced(record, subject, { [ATTR.status]: result.status }, (headers) =>
      publishJson(deps.bus, subject, GoalResult, result, { msgId: `done/${goalId}/pause-${pause}`, headers }),
    ),
    deps.events.emitSafely(
      {
        type: "goal.paused",
        goalId,
        tenant: record.goal.tenant,
        status: result.status === "needs_approval" || result.status === "needs_review" ? result.status : "needs_input",
        questions: waiting.flatMap((r) => r.assessment?.unknown ?? []),
        pendingApprovals: result.pendingApprovals,
      },
      undefined,
      `event/goal.paused/${goalId}/${pause}`,
    ),
  ]);
  deps.logger.info({ event: "goal.paused", goalId, status: result.status, traceId: record.traceId }, "goal paused");
}

async function announceEnd(record: GoalRecord, result: GoalResult, stopOutstanding: boolean, deps: CoordinatorDeps) {
  const goalId = record.goal.id;
  // Counted before the result goes out: a backend that hears "done" and submits again meets the updated spend.
  await deps.quotas?.recordSpend(record.goal, result);
  const subject = deps.bus.names.subjects.goalDone(record.goal.tenant, goalId);
  await Promise.all([
    publishTraced(
      record,
      subject,
      { [ATTR.status]: result.status, ...(result.failure ? { [ATTR.failureKind]: result.failure.kind } : {}) },
      (headers) => publishJson(deps.bus, subject, GoalResult, result, { msgId: `done/${goalId}`, headers }),
    ),
    stopOutstanding ? stopRunningSubtasks(deps, goalId, `goal ended ${result.status}`) : undefined,
    deps.events.emitSafely(
      {
        type: "goal.finished",
        goalId,
        tenant: record.goal.tenant,
        status: result.status,
        usage: result.usage,
        failure: result.failure,
      },
      undefined,
      `event/goal.finished/${goalId}`,
    ),
  ]);
  deps.logger.info(
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
}

/** Cancels what still runs of a goal that has ended: the KV flag stops queued subtasks, the message running ones. */
async function stopRunningSubtasks(deps: CoordinatorDeps, goalId: string, reason: string): Promise<void> {
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
  await withPublishSpan(
    subject,
    {
      goalId: record.goal.id,
      parent,
      attributes: {
        ...attributes,
        ...goalAttributes({ goalId: record.goal.id, tenant: record.goal.tenant, user: record.goal.user }),
      },
    },
    async (traceHeaders) => {
      await publish({ ...traceHeaders, "sy-tenant": record.goal.tenant, "sy-user": record.goal.user });
    },
  );
}
