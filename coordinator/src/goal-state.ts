import {
  WIRE_VERSION,
  type ActionProposal,
  type GoalAnswer,
  type HumanAnswer,
  type Goal,
  type GoalFailure,
  type GoalRecord,
  type GoalResult,
  type OutputReview,
  type Plan,
  type RunStatus,
  type SubtaskResult,
  type Usage,
} from "@switchyard/contracts";
import { readySubtasks, sinks } from "./dag.ts";
import { decideOnFailure, policyFor, type FailurePolicies } from "./failure-policy.ts";
import { goalLimitReached, goalUsage } from "./goal-budget.ts";

// Pure transitions of a GoalRecord. Each returns the next record, or `undefined` when nothing changes, so the
// caller can run them inside a compare-and-set retry loop.

/** The trace a goal belongs to: its id, and the root span's `traceparent` later spans hang under. */
export type GoalTrace = { traceId: string; traceparent?: string };

/** A goal that was accepted and planned: every subtask pending. */
export function acceptedRecord(goal: Goal, plan: Plan, trace: GoalTrace, now: Date): GoalRecord {
  return {
    v: WIRE_VERSION,
    goal,
    ...trace,
    acceptedAt: now.toISOString(),
    plan,
    subtasks: Object.fromEntries(plan.subtasks.map((s) => [s.id, { type: "pending" as const }])),
    phase: { type: "running" },
  };
}

/** A valid goal that was refused before planning (unknown template: failed; cancelled before it started): finished at once. */
export function refusedRecord(
  goal: Goal,
  outcome: { status: "failed"; failure: GoalFailure } | { status: "cancelled" },
  trace: GoalTrace,
  now: Date,
): GoalRecord {
  const record: GoalRecord = {
    v: WIRE_VERSION,
    goal,
    ...trace,
    acceptedAt: now.toISOString(),
    subtasks: {},
    phase: { type: "running" },
  };
  const failure = outcome.status === "failed" ? outcome.failure : undefined;
  return {
    ...record,
    phase: { type: "finished", result: goalResult(record, outcome.status, failure, now), announced: false },
  };
}

/** Ends a running goal `cancelled`: pending subtasks are skipped; results still in flight are ignored when they come. */
export function cancelRecord(record: GoalRecord, reason: string, now: Date): GoalRecord | undefined {
  if (record.phase.type === "finished") return undefined;
  const subtasks = { ...record.subtasks };
  for (const [id, s] of Object.entries(subtasks)) if (s.type === "pending") subtasks[id] = { type: "skipped", reason };
  return finish({ ...record, subtasks }, "cancelled", undefined, now);
}

/** Claims subtasks for dispatch (pending → dispatched, not yet published). */
export function claimDispatch(record: GoalRecord, ids: string[], now: Date): GoalRecord | undefined {
  if (record.phase.type !== "running") return undefined;
  const claimable = ids.filter((id) => record.subtasks[id]?.type === "pending");
  if (claimable.length === 0) return undefined;
  const subtasks = { ...record.subtasks };
  for (const id of claimable) {
    const pending = record.subtasks[id];
    const attempt = (pending?.type === "pending" && pending.attempt) || 1;
    const agent = pending?.type === "pending" ? pending.agent : undefined;
    subtasks[id] = { type: "dispatched", attempt, agent, dispatchedAt: now.toISOString(), published: false };
  }
  return { ...record, subtasks };
}

/**
 * Records a subtask's result and finishes the goal when it is decided: a subtask that did not end `ok` ends the
 * goal with that status (its pending subtasks skipped); all subtasks `ok` ends it `ok`.
 */
export function applyResult(
  record: GoalRecord,
  incoming: SubtaskResult,
  now: Date,
  policies: FailurePolicies = {},
): GoalRecord | undefined {
  if (record.phase.type !== "running") return undefined;
  const current = record.subtasks[incoming.subtaskId];
  if (current === undefined || current.type === "finished" || current.type === "skipped") return undefined;
  // A late result of an earlier attempt (the subtask was sent again after an answer) is not this run's outcome.
  if (current.type === "dispatched" && incoming.attempt < current.attempt) return undefined;
  let result = incoming;
  if (result.status === "failed") {
    const decision = decideOnFailure(result, policyFor(policies, result.agent), now);
    if (decision.type === "retry" || decision.type === "fallback-agent") {
      // The failed attempt's usage still counts against the goal's budget.
      const spent = withoutMs(result.usage);
      const agent =
        decision.type === "fallback-agent" ? decision.agent : current.type === "dispatched" ? current.agent : undefined;
      const notBefore = decision.type === "retry" ? decision.notBefore.toISOString() : undefined;
      const next: GoalRecord = {
        ...record,
        subtasks: {
          ...record.subtasks,
          [result.subtaskId]: { type: "pending", attempt: decision.attempt, notBefore, agent },
        },
        spentOnFailedAttempts: [...(record.spentOnFailedAttempts ?? []), spent],
      };
      const limit = goalLimitReached(next);
      return limit === undefined ? next : endForLimit(next, limit, now);
    }
    if (decision.type === "human") {
      // The human review queue: the goal pauses, and an answer runs the subtask again with the person's guidance.
      const why = `${result.subtaskId} failed (${result.failure?.kind ?? "failed"}): ${result.failure?.message ?? ""}`;
      result = {
        ...result,
        status: "needs_input",
        assessment: { established: [], assumed: [], unknown: [`${why} — answer with guidance or the output to use`] },
      };
    }
  }
  // An output the plan holds for a person waits for their review before anything builds on it.
  if (result.status === "ok" && result.review === undefined && heldForReview(record, result)) {
    result = { ...result, status: "needs_review" };
  }
  const subtasks = { ...record.subtasks, [result.subtaskId]: { type: "finished" as const, result } };
  const next: GoalRecord = { ...record, subtasks };
  if (result.status !== "ok" && !PAUSES.has(result.status)) {
    for (const [id, s] of Object.entries(subtasks)) {
      if (s.type === "pending")
        subtasks[id] = { type: "skipped", reason: `subtask "${result.subtaskId}" ended ${result.status}` };
    }
    // Limits are not failures: the status says what happened and `subtasks` shows where.
    const failure: GoalFailure | undefined = result.failure && { ...result.failure, subtaskId: result.subtaskId };
    return finish(next, result.status, failure, now);
  }
  const limit = goalLimitReached(next);
  if (limit !== undefined) return endForLimit(next, limit, now);
  // A paused subtask (waiting for input or approval) does not stop the branches that do not depend on it; the goal
  // pauses once nothing else can run, with the pause as its status, until a person answers or decides.
  const busy = Object.values(subtasks).some(
    (s) => s.type === "dispatched" || (s.type === "pending" && s.notBefore !== undefined),
  );
  if (busy || readySubtasks(next, now).length > 0) return next;
  const results = Object.values(subtasks).flatMap((s) => (s.type === "finished" ? [s.result.status] : []));
  if (results.length === Object.keys(subtasks).length && results.every((st) => st === "ok"))
    return finish(next, "ok", undefined, now);
  const waitsFor = (["needs_approval", "needs_review", "needs_input"] as const).find((st) => results.includes(st));
  return pause(next, waitsFor ?? "needs_input", now);
}

/**
 * Records the final state of one of a paused subtask's proposals. Once all its proposals are settled the subtask
 * ends — `ok` (with the agent's answer as output) when every action was executed, `failed` (`policy_denied` for a
 * rejection or expiry, `tool_error` for a failed action) otherwise — and the goal goes on as after any result.
 */
export function settleProposal(
  record: GoalRecord,
  proposal: ActionProposal,
  note: string,
  now: Date,
  policies: FailurePolicies = {},
): GoalRecord | undefined {
  if (record.phase.type === "finished") return undefined;
  const state = record.subtasks[proposal.subtaskId];
  if (state?.type !== "finished" || state.result.status !== "needs_approval") return undefined;
  const before = state.result.proposals ?? [];
  if (!before.some((p) => p.id === proposal.id && p.status !== proposal.status)) return undefined;
  const proposals = before.map((p) => (p.id === proposal.id ? proposal : p));
  const updated = { ...state.result, proposals };
  // An approved destructive action is settled when the executor reports; an approved write, when it is approved.
  const open = (p: ActionProposal) => p.status === "pending" || (p.status === "approved" && p.kind === "destructive");
  if (proposals.some(open)) {
    return { ...record, subtasks: { ...record.subtasks, [proposal.subtaskId]: { type: "finished", result: updated } } };
  }
  const unsuccessful = proposals.find((p) => p.status !== "executed" && p.status !== "approved");
  const approvedWrites = proposals.filter(
    (p) => p.status === "approved" && p.kind === "write" && p.effectKey !== undefined,
  );
  if (unsuccessful === undefined && approvedWrites.length > 0) {
    // Approved writes run in the agent: the subtask runs again, allowed to make exactly those calls.
    const keys = [
      ...(record.approvedEffects?.[proposal.subtaskId] ?? []),
      ...approvedWrites.map((p) => p.effectKey ?? ""),
    ];
    return {
      ...record,
      subtasks: {
        ...record.subtasks,
        [proposal.subtaskId]: { type: "pending", attempt: updated.attempt + 1, agent: updated.agent },
      },
      approvedEffects: { ...record.approvedEffects, [proposal.subtaskId]: keys },
      // The paused attempt was paid for; the attempt that resumes it reports only what it spends itself.
      spentOnFailedAttempts: [...(record.spentOnFailedAttempts ?? []), withoutMs(updated.usage)],
      phase: { type: "running" },
    };
  }
  const outcome: SubtaskResult =
    unsuccessful === undefined
      ? { ...updated, status: "ok", output: updated.partialOutput ?? {}, partialOutput: undefined }
      : {
          ...updated,
          status: "failed",
          failure: {
            kind: unsuccessful.status === "failed" ? "tool_error" : "policy_denied",
            message: `${unsuccessful.tool} (proposal ${unsuccessful.id}) ${unsuccessful.status}${unsuccessful.decidedBy ? ` by ${unsuccessful.decidedBy}` : ""}: ${note}`,
          },
        };
  // Re-open the subtask as if its result had just arrived, so retries, fallbacks and the goal's next steps apply.
  const reopened: GoalRecord = {
    ...record,
    subtasks: {
      ...record.subtasks,
      [proposal.subtaskId]: {
        type: "dispatched",
        attempt: updated.attempt,
        agent: updated.agent,
        dispatchedAt: now.toISOString(),
        published: true,
      },
    },
    phase: { type: "running" },
  };
  return applyResult(reopened, outcome, now, policies);
}

/** Whether the plan holds this ok result for a person: `review: always`, or `when-assumed` and it assumed something. */
function heldForReview(record: GoalRecord, result: SubtaskResult): boolean {
  const policy = record.plan?.subtasks.find((s) => s.id === result.subtaskId)?.review;
  if (policy === "always") return true;
  return policy === "when-assumed" && (result.assessment?.assumed.length ?? 0) > 0;
}

/**
 * Applies a person's review (`reviewedBy`: the authenticated person) of an output held for review: `accept` keeps the
 * output, `edit` replaces it, `reject` fails the subtask (`policy_denied`, with who and why); the goal then goes on as
 * after any result. `undefined` when that subtask's output is not waiting for a review.
 */
export function reviewOutput(
  record: GoalRecord,
  review: OutputReview,
  reviewedBy: string,
  now: Date,
  policies: FailurePolicies = {},
): GoalRecord | undefined {
  if (record.phase.type === "finished") return undefined;
  const state = record.subtasks[review.subtaskId];
  if (state?.type !== "finished" || state.result.status !== "needs_review") return undefined;
  const held = state.result;
  const mark = { decision: review.decision, by: reviewedBy, at: review.at, reason: review.reason };
  const outcome: SubtaskResult =
    review.decision === "reject"
      ? {
          ...held,
          status: "failed",
          review: mark,
          failure: { kind: "policy_denied", message: `output rejected by ${reviewedBy}: ${review.reason ?? ""}` },
        }
      : { ...held, status: "ok", review: mark, output: review.decision === "edit" ? review.output : held.output };
  // Re-open the subtask as if its result had just arrived, so retries, fallbacks and the goal's next steps apply.
  const reopened: GoalRecord = {
    ...record,
    subtasks: {
      ...record.subtasks,
      [review.subtaskId]: {
        type: "dispatched",
        attempt: held.attempt,
        agent: held.agent,
        dispatchedAt: now.toISOString(),
        published: true,
      },
    },
    phase: { type: "running" },
  };
  return applyResult(reopened, outcome, now, policies);
}

/** Ends a goal that used up its budget (or time): what has not started is skipped; what runs is cancelled. */
function endForLimit(
  record: GoalRecord,
  limit: "limit_steps" | "limit_tokens" | "limit_cost" | "limit_time",
  now: Date,
): GoalRecord {
  const subtasks = { ...record.subtasks };
  for (const [id, s] of Object.entries(subtasks))
    if (s.type === "pending") subtasks[id] = { type: "skipped", reason: `goal ${limit}` };
  return finish({ ...record, subtasks }, limit, undefined, now);
}

/** Ends a goal still running (not paused: it waits for a person) when its deadline passed: `limit_time`. */
export function expireRecord(record: GoalRecord, now: Date): GoalRecord | undefined {
  if (record.phase.type !== "running") return undefined;
  return endForLimit(record, "limit_time", now);
}

/**
 * Resumes a paused goal with a person's answer (`answeredBy`: the authenticated person): each subtask waiting for
 * input (or the one named) goes back to pending with its next attempt, and the answer is kept to be sent along.
 * `undefined` when nothing waits for input.
 */
export function answerRecord(record: GoalRecord, answer: GoalAnswer, answeredBy: string): GoalRecord | undefined {
  if (record.phase.type === "finished") return undefined;
  const waiting = Object.entries(record.subtasks).filter(
    ([id, s]) =>
      s.type === "finished" &&
      s.result.status === "needs_input" &&
      (answer.subtaskId === undefined || answer.subtaskId === id),
  );
  if (waiting.length === 0) return undefined;
  const subtasks = { ...record.subtasks };
  const answers = { ...record.answers };
  const spent = [...(record.spentOnFailedAttempts ?? [])];
  const given: HumanAnswer = { text: answer.text, answeredBy, at: answer.at };
  for (const [id, s] of waiting) {
    if (s.type !== "finished") continue;
    subtasks[id] = { type: "pending", attempt: s.result.attempt + 1 };
    answers[id] = [...(answers[id] ?? []), given];
    // The paused attempt was paid for; the attempt that resumes it reports only what it spends itself.
    spent.push(withoutMs(s.result.usage));
  }
  return { ...record, subtasks, answers, spentOnFailedAttempts: spent, phase: { type: "running" } };
}

/** A result's usage as the goal's budget adds it up (wall time is the goal's own). */
function withoutMs(usage: Usage): Omit<Usage, "ms"> {
  const { ms: _ms, ...spent } = usage;
  return spent;
}

/** Statuses that pause a subtask rather than end it: a person answers or decides, then it can go on. */
const PAUSES = new Set<RunStatus>(["needs_input", "needs_approval", "needs_review"]);

function pause(record: GoalRecord, status: "needs_input" | "needs_approval" | "needs_review", now: Date): GoalRecord {
  const pauses = (record.pausesSoFar ?? 0) + 1;
  return {
    ...record,
    pausesSoFar: pauses,
    phase: { type: "paused", result: goalResult(record, status, undefined, now), announced: false },
  };
}

function finish(record: GoalRecord, status: RunStatus, failure: GoalFailure | undefined, now: Date): GoalRecord {
  return { ...record, phase: { type: "finished", result: goalResult(record, status, failure, now), announced: false } };
}

function finishedResults(record: GoalRecord): SubtaskResult[] {
  const order = record.plan?.subtasks.map((s) => s.id) ?? [];
  return order.flatMap((id) => {
    const s = record.subtasks[id];
    return s?.type === "finished" ? [s.result] : [];
  });
}

function goalOutput(record: GoalRecord, results: SubtaskResult[]): unknown {
  if (record.plan === undefined) return undefined;
  const byId = new Map(results.map((r) => [r.subtaskId, r.output]));
  if (record.plan.output !== undefined) return byId.get(record.plan.output);
  const ends = sinks(record.plan);
  if (ends.length === 1 && ends[0] !== undefined) return byId.get(ends[0].id);
  return Object.fromEntries(ends.filter((s) => byId.has(s.id)).map((s) => [s.id, byId.get(s.id)]));
}

function goalResult(record: GoalRecord, status: RunStatus, failure: GoalFailure | undefined, now: Date): GoalResult {
  const subtasks = finishedResults(record);
  // The one sum of what a goal consumed (every attempt, the planner): what its budget and quotas count, too.
  const usage: Usage = { ...goalUsage(record), ms: Math.max(0, now.getTime() - Date.parse(record.acceptedAt)) };
  return {
    v: WIRE_VERSION,
    goalId: record.goal.id,
    status,
    output: status === "ok" ? goalOutput(record, subtasks) : undefined,
    subtasks,
    usage,
    traceId: record.traceId,
    // Proposals that wait for a decision (the approval flow resumes the goal once they are decided).
    pendingApprovals: subtasks.flatMap((r) =>
      (r.proposals ?? []).filter((p) => p.status === "pending").map((p) => p.id),
    ),
    failure,
    acceptedAt: record.acceptedAt,
    finishedAt: now.toISOString(),
  };
}
