import { AgentName, GoalId, SubtaskId, WIRE_VERSION, type GoalRecord, type SubtaskResult } from "@switchyard/contracts";
import { errorMessage, type InvalidDelivery } from "@switchyard/infra";
import type { CoordinatorDeps } from "./deps.ts";
import { decideOnFailure, policyFor } from "./failure-policy.ts";
import { applyInput, flushGoal, readGoal } from "./reactor/react.ts";
import { senderOf } from "./senders.ts";
import { assignedAgent } from "./subtask-assignment.ts";
import { resolveTemplateInput } from "./template-input.ts";

/**
 * Why a result from `sender` may not change its goal, or `undefined` when it may: only the agent the subtask was
 * dispatched to may report on it, and only on the attempt it was sent.
 */
function refusal(result: SubtaskResult, sender: string, record: GoalRecord): string | undefined {
  if (result.agent !== sender) {
    return `result names agent "${result.agent}" but was published by agent "${sender}"`;
  }
  const assigned = assignedAgent(record, result.subtaskId);
  if (assigned === undefined) return `goal "${result.goalId}" has no subtask "${result.subtaskId}"`;
  const state = record.subtasks[result.subtaskId];
  const planned = record.plan?.subtasks.find((s) => s.id === result.subtaskId)?.agent;
  // A late result of an earlier attempt (e.g. of the planned agent after a fallback took over) is stale, not forged.
  if (state?.type === "dispatched" && result.attempt < state.attempt && (sender === planned || sender === assigned)) {
    return undefined;
  }
  if (assigned !== sender) {
    return `subtask "${result.subtaskId}" of goal "${result.goalId}" was dispatched to agent "${assigned}", not "${sender}"`;
  }
  if (state?.type === "dispatched" && result.attempt > state.attempt) {
    return `attempt ${result.attempt} of subtask "${result.subtaskId}" was never dispatched (current: ${state.attempt})`;
  }
  return undefined;
}

/**
 * Records a subtask's result on its goal (once, whatever the redeliveries) and moves the goal forward. `sender` is
 * the agent token of the subject it came on: a result from any other agent is rejected and changes nothing.
 */
export async function handleResult(result: SubtaskResult, sender: string, deps: CoordinatorDeps): Promise<void> {
  const subject = deps.bus.names.subjects.results(sender);
  const view = await readGoal(result.goalId, deps);
  const current = view?.record;
  if (view === undefined || current === undefined) {
    await deps.rejections.report({
      subject,
      sender,
      goalId: result.goalId,
      reason: `result for unknown goal "${result.goalId}"`,
    });
    return;
  }
  const refused = refusal(result, sender, current.value);
  if (refused !== undefined) {
    await deps.rejections.report({ subject, sender, goalId: result.goalId, reason: refused });
    return;
  }
  // Proposals a paused result lists must be the agent's own, and well formed; they are recorded from here too, so a
  // proposal message that is late (or never came) cannot leave the goal waiting.
  const badProposal = result.status === "needs_approval" ? await deps.approvals?.check(result, sender) : undefined;
  // Whatever the agent wrote in their decision fields, the proposals a result lists are undecided until the approval
  // authority decides them: the goal record must not carry an "executed" the agent made up.
  let asked: SubtaskResult =
    result.proposals === undefined
      ? result
      : {
          ...result,
          proposals: result.proposals.map((p) => ({
            ...p,
            status: "pending" as const,
            decidedBy: undefined,
            decidedAt: undefined,
            result: undefined,
          })),
        };
  // Only a person's review, recorded by the coordinator, may say an output was reviewed.
  if (asked.review !== undefined) asked = { ...asked, review: undefined };
  const outcome: SubtaskResult =
    badProposal === undefined
      ? await withFallbackHandler(asked, current.value, deps)
      : {
          ...asked,
          status: "failed",
          failure: { kind: "invalid_output", message: `the result's proposals were refused: ${badProposal}` },
        };
  if (badProposal !== undefined)
    await deps.rejections.report({ subject, sender, goalId: result.goalId, reason: badProposal });
  // A cancellation this replica missed on the bus is still in KV (read with the record): the decision honours it.
  const applied = await applyInput(result.goalId, { type: "result", result: outcome }, deps, view);
  deps.logger.info(
    { event: "result.recorded", goalId: result.goalId, subtaskId: result.subtaskId, status: outcome.status },
    "subtask result recorded",
  );
  if (outcome.status === "needs_approval") {
    // Recorded (and approved by policy, where it may be) before the pause is announced: a goal whose proposals are
    // all approved at once goes on without pausing.
    for (const proposal of outcome.proposals ?? []) await deps.approvals?.receive(proposal, sender);
    await flushGoal(result.goalId, deps);
    return;
  }
  await flushGoal(result.goalId, deps, applied?.record);
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
 * A result message that breaks the schema: reported, and when its goal and subtask ids can be read and the subtask is
 * waiting for the very agent that published it, turned into a failed result (`invalid_output`) so the goal does not
 * wait for it forever. Nobody else's malformed message can fail a goal.
 */
export async function rejectResult(bad: InvalidDelivery, deps: CoordinatorDeps): Promise<void> {
  const sender = senderOf(bad.subject);
  const raw = typeof bad.raw === "object" && bad.raw !== null ? (bad.raw as Record<string, unknown>) : {};
  const goalId = GoalId.safeParse(raw["goalId"]);
  const subtaskId = SubtaskId.safeParse(raw["subtaskId"]);
  await deps.rejections.report({
    subject: bad.subject,
    sender,
    goalId: goalId.success ? goalId.data : undefined,
    reason: bad.reason,
    issues: bad.issues,
  });
  if (!goalId.success || !subtaskId.success || !AgentName.safeParse(sender).success) return;
  const record = (await deps.store.get(goalId.data))?.value;
  const state = record?.subtasks[subtaskId.data];
  if (record === undefined || state?.type !== "dispatched" || assignedAgent(record, subtaskId.data) !== sender) return;
  const now = new Date().toISOString();
  await handleResult(
    {
      v: WIRE_VERSION,
      goalId: goalId.data,
      subtaskId: subtaskId.data,
      idempotencyKey: `${goalId.data}/${subtaskId.data}`,
      agent: sender,
      instance:
        typeof raw["instance"] === "string" && raw["instance"] !== "" ? raw["instance"].slice(0, 128) : "unknown",
      attempt: state.attempt,
      status: "failed",
      failure: { kind: "invalid_output", message: `the agent's result message was rejected: ${bad.reason}` },
      usage: { steps: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, ms: 0 },
      startedAt: now,
      finishedAt: now,
    },
    sender,
    deps,
  );
}
