// Sums what goals consumed per user, tenant or agent, from step events: a pure function of the events.
import type { Usage } from "@switchyard/contracts";
import { believedEvents, type PublishedEvent } from "./published-event.ts";

/** What `switchyard costs --by` groups by. */
export const COST_GROUPINGS = ["user", "tenant", "agent"] as const;
/** One of {@link COST_GROUPINGS}. */
export type CostGrouping = (typeof COST_GROUPINGS)[number];

/** The key of goals whose `goal.accepted` event is not in the window (accepted before it). */
export const UNKNOWN_KEY = "(unknown)";

/** The row the LLM planner's spend goes to when costs are grouped by agent. */
export const PLANNER_KEY = "(planner)";

/** One line of the report, as `switchyard costs --json` prints it. */
export type CostRow = {
  key: string;
  /** Distinct goals seen in the window (accepted, finished, or with a finished subtask). */
  goals: number;
  /** Subtask runs that finished in the window (each attempt of a retried subtask counts: each was paid for). */
  subtasks: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
};

/** Rows sorted by cost (highest first; then tokens, then key), and their total (its `goals` counts each goal once). */
export type CostReport = { rows: CostRow[]; total: CostRow };

type Bucket = { goals: Set<string>; subtasks: number; inputTokens: number; outputTokens: number; costUsd: number };

function bucket(): Bucket {
  return { goals: new Set(), subtasks: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
}

function add(b: Bucket, usage: Usage, run: boolean): void {
  if (run) b.subtasks++;
  b.inputTokens += usage.inputTokens;
  b.outputTokens += usage.outputTokens;
  b.costUsd += usage.costUsd;
}

// Float sums of many small prices drift (0.1 + 0.2); a nano-dollar is far below any price.
const round = (usd: number) => Math.round(usd * 1e9) / 1e9;

function toRow(key: string, b: Bucket): CostRow {
  const { subtasks, inputTokens, outputTokens } = b;
  return { key, goals: b.goals.size, subtasks, inputTokens, outputTokens, costUsd: round(b.costUsd) };
}

/**
 * Cost and tokens per user, tenant or agent. Usage comes from `subtask.finished` (what a subtask run consumed,
 * summaries included; every attempt of a retried subtask counts, each once even if its event was published twice)
 * and from `plan.created` (what the LLM planner consumed; the agent row is {@link PLANNER_KEY}). The agent is the
 * one on that event; user and tenant come from the goal's `goal.accepted` event, and are {@link UNKNOWN_KEY} when
 * that event is not among `events` (a goal accepted before the window). Events that do not parse are ignored.
 *
 * Only events their publisher may say count ({@link believedEvents}): an agent may publish events in its own name
 * for any goal, and could otherwise bill another agent's work, invent a goal for a user, or charge a user for runs
 * that were never dispatched.
 */
export function aggregateCosts(events: readonly PublishedEvent[], by: CostGrouping): CostReport {
  const owner = new Map<string, { user: string; tenant: string }>();
  const goals = new Set<string>();
  const runs = new Map<string, { goalId: string; agent: string; usage: Usage }>();
  const planners = new Map<string, Usage>();
  for (const e of believedEvents(events).events) {
    if (e.type === "goal.accepted") {
      owner.set(e.goalId, { user: e.user, tenant: e.tenant });
      goals.add(e.goalId);
    } else if (e.type === "goal.finished") {
      goals.add(e.goalId);
    } else if (e.type === "subtask.finished") {
      // Every attempt was paid for; a repeated event of the same attempt counts once.
      runs.set(`${e.goalId}/${e.subtaskId}/${e.attempt ?? 1}`, { goalId: e.goalId, agent: e.agent, usage: e.usage });
    } else if (e.type === "plan.created" && e.usage !== undefined) {
      goals.add(e.goalId);
      planners.set(e.goalId, e.usage);
    }
  }
  const finished = [...runs.values()]
    .map((run) => ({ ...run, run: true }))
    .concat([...planners].map(([goalId, usage]) => ({ goalId, agent: PLANNER_KEY, usage, run: false })));
  for (const { goalId } of finished) goals.add(goalId);

  const buckets = new Map<string, Bucket>();
  const at = (key: string): Bucket => {
    let b = buckets.get(key);
    if (b === undefined) buckets.set(key, (b = bucket()));
    return b;
  };
  const keyOf = (goalId: string) => {
    const who = owner.get(goalId);
    return who === undefined ? UNKNOWN_KEY : by === "user" ? who.user : who.tenant;
  };
  const total = bucket();
  for (const f of finished) {
    const b = at(by === "agent" ? f.agent : keyOf(f.goalId));
    b.goals.add(f.goalId);
    add(b, f.usage, f.run);
    add(total, f.usage, f.run);
    total.goals.add(f.goalId);
  }
  if (by !== "agent") {
    // Goals that finished no subtask in the window (refused, still running) still count for their owner.
    for (const goalId of goals) {
      at(keyOf(goalId)).goals.add(goalId);
      total.goals.add(goalId);
    }
  }

  const rows = [...buckets].map(([key, b]) => toRow(key, b));
  const tokens = (r: CostRow) => r.inputTokens + r.outputTokens;
  rows.sort((a, b) => b.costUsd - a.costUsd || tokens(b) - tokens(a) || a.key.localeCompare(b.key));
  return { rows, total: toRow("total", total) };
}
