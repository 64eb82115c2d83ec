import { GoalId, SubtaskId, type GoalRecord, type SubtaskResult, WIRE_VERSION } from "@switchyard/contracts";
import { errorMessage, type InvalidDelivery } from "@switchyard/infra";
import { advanceGoal } from "./advance.ts";
import type { CoordinatorDeps } from "./deps.ts";
import { decideOnFailure, policyFor } from "./failure-policy.ts";
import { applyResult, cancelRecord } from "./goal-state.ts";
import { resolveTemplateInput } from "./template-input.ts";

/** Records a subtask's result on its goal (once, whatever the redeliveries) and moves the goal forward. */
export async function handleResult(result: SubtaskResult, deps: CoordinatorDeps): Promise<void> {
  const log = deps.logger.child({ goalId: result.goalId, subtaskId: result.subtaskId, agent: result.agent });
  const current = await deps.store.get(result.goalId);
  if (current === undefined) {
    log.warn({ event: "result.orphaned" }, "result for a goal this coordinator has no record of; dropped");
    await deps.events.emitSafely({
      type: "message.rejected",
      goalId: result.goalId,
      subject: deps.bus.names.subjects.results,
      reason: `result for unknown goal "${result.goalId}"`,
      issues: [],
    });
    return;
  }
  const outcome = await withFallbackHandler(result, current.value, deps);
  // A cancellation this replica missed on the bus is still in KV: honour it before going on.
  const cancel = await deps.store.cancelRequest(result.goalId);
  const apply = (r: GoalRecord) => applyResult(r, outcome, new Date(), deps.failurePolicies);
  await deps.store.update(result.goalId, (r) =>
    cancel === undefined ? apply(r) : (cancelRecord(r, cancel.reason, new Date()) ?? apply(r)),
  );
  log.info({ event: "result.recorded", status: result.status }, "subtask result recorded");
  await advanceGoal(result.goalId, deps);
}

/**
 * A failed result whose agent's policy falls back to a deterministic handler (once retries are spent) is replaced by
 * the handler's output, marked as produced by the coordinator. Any other result is returned as it is.
 */
async function withFallbackHandler(
  result: SubtaskResult,
  record: GoalRecord,
  deps: CoordinatorDeps,
): Promise<SubtaskResult> {
  if (result.status !== "failed") return result;
  const decision = decideOnFailure(result, policyFor(deps.failurePolicies, result.agent), new Date());
  if (decision.type !== "fallback-handler") return result;
  const handler = deps.fallbackHandlers[decision.handler];
  const planned = record.plan?.subtasks.find((s) => s.id === result.subtaskId);
  if (handler === undefined || planned === undefined) {
    deps.logger.error(
      { event: "fallback.missing", handler: decision.handler },
      `no fallback handler "${decision.handler}" is registered`,
    );
    return result;
  }
  const upstream = Object.fromEntries(
    planned.dependsOn.flatMap((id) => {
      const s = record.subtasks[id];
      return s?.type === "finished" ? [[id, s.result.output]] : [];
    }),
  );
  const failure = result.failure ?? { kind: "crashed", message: "failed" };
  try {
    const output = await handler(resolveTemplateInput(planned.input, { goal: record.goal, upstream }), failure);
    deps.logger.warn(
      { event: "fallback.handler", goalId: result.goalId, subtaskId: result.subtaskId, handler: decision.handler },
      "fallback handler used",
    );
    return {
      ...result,
      status: "ok",
      output,
      failure: undefined,
      instance: `coordinator-fallback:${decision.handler}`,
    };
  } catch (err) {
    return {
      ...result,
      failure: {
        kind: "crashed",
        message: `${failure.message}; fallback handler "${decision.handler}" failed too: ${errorMessage(err)}`,
      },
    };
  }
}

/**
 * A result message that breaks the schema: reported, and when its goal and subtask ids can be read, turned into
 * a failed result (`invalid_output`) so the goal does not wait for it forever.
 */
export async function rejectResult(bad: InvalidDelivery, deps: CoordinatorDeps): Promise<void> {
  const raw = typeof bad.raw === "object" && bad.raw !== null ? (bad.raw as Record<string, unknown>) : {};
  const goalId = GoalId.safeParse(raw["goalId"]);
  const subtaskId = SubtaskId.safeParse(raw["subtaskId"]);
  await deps.events.emitSafely({
    type: "message.rejected",
    goalId: goalId.success ? goalId.data : undefined,
    subject: bad.subject,
    reason: bad.reason,
    issues: bad.issues,
  });
  if (!goalId.success || !subtaskId.success) return;
  const record = await deps.store.get(goalId.data);
  const planned = record?.value.plan?.subtasks.find((s) => s.id === subtaskId.data);
  if (planned === undefined) return;
  const now = new Date().toISOString();
  await handleResult(
    {
      v: WIRE_VERSION,
      goalId: goalId.data,
      subtaskId: subtaskId.data,
      idempotencyKey: `${goalId.data}/${subtaskId.data}`,
      agent: planned.agent,
      instance: typeof raw["instance"] === "string" && raw["instance"] !== "" ? raw["instance"] : "unknown",
      attempt: (() => {
        const st = record?.value.subtasks[subtaskId.data];
        return st?.type === "dispatched" ? st.attempt : 1;
      })(),
      status: "failed",
      failure: { kind: "invalid_output", message: `the agent's result message was rejected: ${bad.reason}` },
      usage: { steps: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, ms: 0 },
      startedAt: now,
      finishedAt: now,
    },
    deps,
  );
}
