import type { StepEvent } from "@switchyard/contracts";
import { readStoredJson, type Bus } from "@switchyard/infra";
import { aggregateCosts, type CostReport, type CostRow } from "../history/cost-report.ts";
import { believedEvents, publishedEvents } from "../history/published-event.ts";

/** What the costs view can group by: the CLI's groupings, and the model (from the model calls themselves). */
export const CONSOLE_COST_GROUPINGS = ["user", "tenant", "agent", "model"] as const;
export type ConsoleCostGrouping = (typeof CONSOLE_COST_GROUPINGS)[number];

/** The costs of a window: rows by the grouping, and the cost per time slot (the chart). */
export type CostsView = {
  by: ConsoleCostGrouping;
  since: string;
  rows: CostRow[];
  total: CostRow;
  slotMs: number;
  series: Array<{ at: string; costUsd: number }>;
};

// A day in hours, a week in days: about two dozen bars either way.
const slotFor = (windowMs: number) => (windowMs <= 36 * 3_600_000 ? 3_600_000 : 86_400_000);
const READ_TIMEOUT_MS = 30_000;

/** Reads the events of the window (as the cost report believes them) and sums them for the view. */
export async function loadCostsView(bus: Bus, by: ConsoleCostGrouping, windowMs: number): Promise<CostsView> {
  const since = new Date(Date.now() - windowMs);
  const { streams, subjects } = bus.names;
  const read = await readStoredJson(bus, streams.events, subjects.eventsAll, { since, timeoutMs: READ_TIMEOUT_MS });
  const published = publishedEvents(read.values, read.subjects);
  const report = by === "model" ? byModel(believedEvents(published).events) : aggregateCosts(published, by);
  const slotMs = slotFor(windowMs);
  const slots = new Map<number, number>();
  for (const e of believedEvents(published).events) {
    const cost =
      e.type === "subtask.finished" ? e.usage.costUsd : e.type === "plan.created" ? (e.usage?.costUsd ?? 0) : 0;
    if (cost === 0) continue;
    const slot = Math.floor(Date.parse(e.at) / slotMs) * slotMs;
    slots.set(slot, (slots.get(slot) ?? 0) + cost);
  }
  const first = Math.floor(since.getTime() / slotMs) * slotMs;
  const series = [];
  for (let t = first; t <= Date.now(); t += slotMs)
    series.push({ at: new Date(t).toISOString(), costUsd: slots.get(t) ?? 0 });
  return { by, since: since.toISOString(), rows: report.rows, total: report.total, slotMs, series };
}

/** Cost and tokens per model, from the model calls that were made (not those served from a cache or a journal). */
function byModel(events: readonly StepEvent[]): CostReport {
  const rows = new Map<string, CostRow & { goalIds: Set<string> }>();
  const total = { key: "total", goals: 0, subtasks: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
  const goals = new Set<string>();
  for (const e of events) {
    if (e.type !== "model.call" || e.cached === true || e.replayed === true) continue;
    const row = rows.get(e.model) ?? {
      key: e.model,
      goals: 0,
      subtasks: 0,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      goalIds: new Set<string>(),
    };
    row.goalIds.add(e.goalId);
    goals.add(e.goalId);
    row.subtasks++;
    row.inputTokens += e.inputTokens;
    row.outputTokens += e.outputTokens;
    row.costUsd += e.costUsd;
    total.subtasks++;
    total.inputTokens += e.inputTokens;
    total.outputTokens += e.outputTokens;
    total.costUsd += e.costUsd;
    rows.set(e.model, row);
  }
  total.goals = goals.size;
  const list = [...rows.values()]
    .map(({ goalIds, ...r }) => ({ ...r, goals: goalIds.size, costUsd: Math.round(r.costUsd * 1e9) / 1e9 }))
    .sort((a, b) => b.costUsd - a.costUsd || a.key.localeCompare(b.key));
  return { rows: list, total: { ...total, costUsd: Math.round(total.costUsd * 1e9) / 1e9 } };
}
