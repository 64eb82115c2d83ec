import type { GoalRecord, RunStatus } from "@switchyard/contracts";
import { matchesQuery, summarizeGoal, type GoalQuery, type GoalSummary } from "../goals/goal-summary.ts";
import { isWaiting } from "../waiting.ts";

/** One subtask as the agents view counts it. */
export type SubtaskSummary = {
  id: string;
  agent: string;
  state: "pending" | "dispatched" | "finished" | "skipped";
  status?: RunStatus;
  failureKind?: string;
};

/**
 * A goal as the console keeps it: the row `switchyard goals` lists, with what the review inbox and the agents view
 * need besides (outputs held for review, each subtask's agent and outcome).
 */
export type ConsoleGoal = GoalSummary & {
  paused: boolean;
  held: Array<{ subtaskId: string; agent: string; output: unknown; assumed: string[] }>;
  subtaskStates: SubtaskSummary[];
};

const TEXT_MAX = 200;

/** The console's view of a goal record. */
export function consoleGoal(record: GoalRecord): ConsoleGoal {
  const row = summarizeGoal(record);
  const { phase } = record;
  const byId = new Map(record.plan?.subtasks.map((s) => [s.id, s.agent]) ?? []);
  return {
    ...row,
    text: row.text.length > TEXT_MAX ? `${row.text.slice(0, TEXT_MAX - 1)}…` : row.text,
    paused: isWaiting(row.status),
    held:
      phase.type === "paused"
        ? phase.result.subtasks.flatMap((s) =>
            s.status === "needs_review"
              ? [{ subtaskId: s.subtaskId, agent: s.agent, output: s.output, assumed: s.assessment?.assumed ?? [] }]
              : [],
          )
        : [],
    subtaskStates: Object.entries(record.subtasks).map(([id, s]): SubtaskSummary => {
      const planned = byId.get(id) ?? "?";
      if (s.type === "finished")
        return {
          id,
          agent: s.result.agent,
          state: "finished",
          status: s.result.status,
          failureKind: s.result.failure?.kind,
        };
      if (s.type === "skipped") return { id, agent: planned, state: "skipped" };
      return { id, agent: s.agent ?? planned, state: s.type };
    }),
  };
}

/** The console's filter: the CLI's query, plus a search over the id and the text. */
export type GoalFilter = GoalQuery & { q?: string };

/** Whether a goal passes a filter. */
export function matchesFilter(g: ConsoleGoal, f: GoalFilter): boolean {
  if (!matchesQuery(g, f)) return false;
  if (f.q === undefined) return true;
  const q = f.q.toLowerCase();
  return g.goalId.toLowerCase().includes(q) || g.text.toLowerCase().includes(q);
}
