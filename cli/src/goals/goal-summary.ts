// One goal as `switchyard goals` lists it, from its KV record, and the filters that pick goals: pure, tested
// without a bus.
import { RunStatus, type GoalRecord, type GoalResult, type Usage } from "@switchyard/contracts";
import { isWaiting } from "../waiting.ts";

/** Where a goal stands: how it ended, why it waits (`needs_input`, `needs_approval`, …), or `running`. */
export type GoalStatus = RunStatus | "running";

/** What the statuses `--status` accepts mean: a RunStatus, `running`, or `paused` for any kind of waiting. */
export const STATUS_WORDS: readonly string[] = [...RunStatus.options, "running", "paused"];

/** What a goal's plan is called when it named none: the coordinator's default plan ran. */
export const DEFAULT_PLAN = "(default)";

/** One goal, as `goals --json` prints it. */
export type GoalSummary = {
  goalId: string;
  status: GoalStatus;
  plan: string;
  tenant: string;
  user: string;
  text: string;
  acceptedAt: string;
  finishedAt?: string;
  subtasks: { total: number; finished: number };
  tokens: number;
  costUsd: number;
  /** Open questions of the subtasks waiting for input. */
  questions: Array<{ subtaskId: string; question: string }>;
  /** Proposals waiting for a decision. */
  pendingApprovals: string[];
};

/** Which goals to list: every given field must match. */
export type GoalQuery = {
  /** Any of these (words of {@link STATUS_WORDS}). */
  statuses?: readonly string[];
  plan?: string;
  tenant?: string;
  user?: string;
  /** Accepted at or after. */
  since?: Date;
};

/** The goal's result: final, or the interim one it paused with; none while it runs. */
export function resultOf(record: GoalRecord): GoalResult | undefined {
  return record.phase.type === "running" ? undefined : record.phase.result;
}

/** What a running goal has spent so far: its finished subtasks' usage and its planner's. */
function spentSoFar(record: GoalRecord): Pick<Usage, "inputTokens" | "outputTokens" | "costUsd"> {
  const usages = [
    ...Object.values(record.subtasks).flatMap((s) => (s.type === "finished" ? [s.result.usage] : [])),
    ...(record.plannerUsage === undefined ? [] : [record.plannerUsage]),
  ];
  return {
    inputTokens: usages.reduce((n, u) => n + u.inputTokens, 0),
    outputTokens: usages.reduce((n, u) => n + u.outputTokens, 0),
    costUsd: usages.reduce((n, u) => n + u.costUsd, 0),
  };
}

/** A goal record as one listing row. */
export function summarizeGoal(record: GoalRecord): GoalSummary {
  const result = resultOf(record);
  const usage = result?.usage ?? spentSoFar(record);
  const states = Object.values(record.subtasks);
  return {
    goalId: record.goal.id,
    status: result?.status ?? "running",
    plan: record.goal.plan ?? DEFAULT_PLAN,
    tenant: record.goal.tenant,
    user: record.goal.user,
    text: record.goal.text,
    acceptedAt: record.acceptedAt,
    finishedAt: record.phase.type === "finished" ? record.phase.result.finishedAt : undefined,
    subtasks: { total: states.length, finished: states.filter((s) => s.type === "finished").length },
    tokens: usage.inputTokens + usage.outputTokens,
    costUsd: usage.costUsd,
    questions: (result?.subtasks ?? []).flatMap((s) =>
      s.status === "needs_input"
        ? (s.assessment?.unknown ?? []).map((question) => ({ subtaskId: s.subtaskId, question }))
        : [],
    ),
    pendingApprovals: record.phase.type === "paused" ? record.phase.result.pendingApprovals : [],
  };
}

function statusMatches(status: GoalStatus, words: readonly string[]): boolean {
  return words.some((w) => w === status || (w === "paused" && isWaiting(status)));
}

/** Whether a goal is one the query asks for. */
export function matchesQuery(goal: GoalSummary, query: GoalQuery): boolean {
  return (
    (query.statuses === undefined || statusMatches(goal.status, query.statuses)) &&
    (query.plan === undefined || goal.plan === query.plan) &&
    (query.tenant === undefined || goal.tenant === query.tenant) &&
    (query.user === undefined || goal.user === query.user) &&
    (query.since === undefined || Date.parse(goal.acceptedAt) >= query.since.getTime())
  );
}

/**
 * The words of `--status` options (each may hold several, comma-separated); throws naming a word it does not know.
 * Undefined when none was given.
 */
export function parseStatuses(values: readonly string[] | undefined): string[] | undefined {
  if (values === undefined || values.length === 0) return undefined;
  const words = values
    .flatMap((v) => v.split(","))
    .map((w) => w.trim())
    .filter((w) => w !== "");
  const unknown = words.find((w) => !STATUS_WORDS.includes(w));
  if (unknown !== undefined) throw new Error(`unknown status "${unknown}" (one of ${STATUS_WORDS.join(", ")})`);
  return words;
}
