import type { ApprovalRecord, Assessment, GoalRecord, GoalResult, RunStatus, Usage } from "@switchyard/contracts";
import { readStoredJson, type Bus } from "@switchyard/infra";
import { believedEvents, publishedEvents } from "../history/published-event.ts";
import type { TraceNode } from "../history/trace-node.ts";
import { buildTraceTree } from "../history/trace-tree.ts";
import { consoleGoal, type ConsoleGoal } from "./goal-summary.ts";

/** One node of a goal's DAG as the goal view draws it. */
export type DagNode = {
  id: string;
  agent: string;
  dependsOn: string[];
  state: "pending" | "dispatched" | "finished" | "skipped";
  status?: RunStatus;
  attempt?: number;
  usage?: Usage;
  failure?: { kind: string; message: string };
  assessment?: Assessment;
  output?: unknown;
  skippedBecause?: string;
  proposals: string[];
};

/** Everything the goal page shows: the summary, the DAG, the step tree, the proposals, the latest result. */
export type GoalView = {
  summary: ConsoleGoal;
  dag: DagNode[];
  trace?: TraceNode;
  proposals: ApprovalRecord[];
  result?: GoalResult;
  input?: unknown;
};

/** The DAG of a goal's plan with each subtask's current state (the planner's subtasks, in plan order). */
export function dagOf(record: GoalRecord): DagNode[] {
  return (record.plan?.subtasks ?? []).map((planned): DagNode => {
    const s = record.subtasks[planned.id];
    const base = { id: planned.id, agent: planned.agent, dependsOn: planned.dependsOn, proposals: [] as string[] };
    if (s === undefined || s.type === "pending") return { ...base, agent: s?.agent ?? planned.agent, state: "pending" };
    if (s.type === "skipped") return { ...base, state: "skipped", skippedBecause: s.reason };
    if (s.type === "dispatched")
      return { ...base, agent: s.agent ?? planned.agent, state: "dispatched", attempt: s.attempt };
    const r = s.result;
    return {
      ...base,
      agent: r.agent,
      state: "finished",
      status: r.status,
      attempt: r.attempt,
      usage: r.usage,
      failure: r.failure,
      assessment: r.assessment,
      output: r.output ?? r.partialOutput,
      proposals: (r.proposals ?? []).map((p) => p.id),
    };
  });
}

/**
 * Builds a goal's view: its record (current state), its step events (the model and tool calls under each subtask,
 * as `switchyard trace` draws them) and the approval records of its proposals.
 */
export async function loadGoalView(
  bus: Bus,
  record: GoalRecord,
  proposal: (id: string) => ApprovalRecord | undefined,
): Promise<GoalView> {
  const goalId = record.goal.id;
  const { subjects, streams } = bus.names;
  const [events, results] = await Promise.all([
    readStoredJson(bus, streams.events, subjects.goalEvents(goalId)),
    readStoredJson(bus, streams.events, subjects.goalDoneOf(goalId)),
  ]);
  const believed = believedEvents(publishedEvents(events.values, events.subjects)).events;
  const done = results.values.at(-1);
  const trace =
    believed.length === 0 && done === undefined ? undefined : buildTraceTree({ goalId, events: believed, done });
  const dag = dagOf(record);
  const proposals = dag.flatMap((n) => n.proposals.flatMap((id) => proposal(id) ?? []));
  const result = record.phase.type === "running" ? undefined : record.phase.result;
  return { summary: consoleGoal(record), dag, trace, proposals, result, input: record.goal.input };
}
