// Builds a goal's execution tree from its events: a pure function, so it is tested without a bus.
import { GoalResult, StepEvent, type Failure, type Usage } from "@switchyard/contracts";
import { addPlannerCall, finishPlanNode, isPlannerCall, planNode } from "./plan-node.ts";
import {
  actionNode,
  cancelledNode,
  checkpointNode,
  clip,
  decidedNode,
  duplicateNode,
  limitHitNode,
  modelCallNode,
  pausedNode,
  proposalNode,
  rejectedNode,
  resumedNode,
  summarizedNode,
  toolCallNode,
  unknownNode,
} from "./step-nodes.ts";
import type { TraceNode } from "./trace-node.ts";
import { isWaiting } from "../waiting.ts";

/** What a trace is built from: a goal's events in stream order and its done message, as read (not yet validated). */
export type TraceInput = { goalId: string; events: readonly unknown[]; done?: unknown };

type Ending = { status: string; usage: Usage; failure?: Failure | undefined };

type SubtaskState = {
  node: TraceNode;
  agent?: string;
  instance?: string;
  attempt?: number;
  dependsOn: string[];
  replayed?: string;
  progress: "pending" | "dispatched" | "running";
  ending?: Ending;
  /** Tool calls, checkpoints and proposals nest under the model call of their step. */
  lastModelCall?: { node: TraceNode; step: number };
};

function metrics(ending: Ending | undefined): Partial<TraceNode> {
  if (ending === undefined) return {};
  const { usage, failure } = ending;
  return {
    status: ending.status,
    tokens: usage.inputTokens + usage.outputTokens,
    costUsd: usage.costUsd,
    ms: usage.ms,
    failureKind: failure?.kind,
  };
}

/**
 * The execution tree of one goal: goal → subtasks (in plan order) → steps. Events it does not know are kept as
 * generic nodes under their subtask (or the goal), so a newer producer never breaks an older CLI. The done message
 * (a GoalResult) fills in what missing events would have said.
 */
export function buildTraceTree(input: TraceInput): TraceNode {
  const goal: TraceNode = { type: "goal", label: `goal ${input.goalId}`, children: [] };
  const facts: string[] = [];
  const subtasks = new Map<string, SubtaskState>();
  let ending: Ending | undefined;
  let accepted: { plan: string } | undefined;
  let plan: TraceNode | undefined;
  let planned: { subtasks: number; usage?: Usage } | undefined;
  /** Decisions and the executor's run nest under the proposal they are about. */
  const proposals = new Map<string, TraceNode>();

  const subtask = (id: string, agent?: string): SubtaskState => {
    let st = subtasks.get(id);
    if (st === undefined) {
      st = { node: { type: "subtask", label: id, children: [] }, dependsOn: [], progress: "pending" };
      subtasks.set(id, st);
      goal.children.push(st.node);
    }
    st.agent ??= agent;
    return st;
  };
  const stepParent = (st: SubtaskState, step?: number): TraceNode[] =>
    st.lastModelCall !== undefined && (step === undefined || st.lastModelCall.step === step)
      ? st.lastModelCall.node.children
      : st.node.children;

  for (const raw of input.events) {
    const parsed = StepEvent.safeParse(raw);
    if (!parsed.success) {
      const obj = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
      const node = unknownNode(obj);
      const sid = obj["subtaskId"];
      (typeof sid === "string" ? subtask(sid).node.children : goal.children).push(node);
      goal.at ??= node.at;
      continue;
    }
    const e = parsed.data;
    goal.at ??= e.at;
    switch (e.type) {
      case "goal.accepted":
        accepted = { plan: e.plan };
        goal.at = e.at;
        facts.push(`plan ${e.plan}`, `user ${e.user}`, `tenant ${e.tenant}`);
        break;
      case "plan.created":
        planned = { subtasks: e.plan.subtasks.length, usage: e.usage };
        for (const s of e.plan.subtasks) subtask(s.id, s.agent).dependsOn = s.dependsOn;
        break;
      case "goal.paused":
        goal.children.push(pausedNode(e));
        break;
      case "goal.resumed":
        goal.children.push(resumedNode(e));
        break;
      case "goal.cancelled":
        goal.children.push(cancelledNode(e));
        break;
      case "goal.duplicate":
        goal.children.push(duplicateNode(e));
        break;
      case "message.rejected":
        goal.children.push(rejectedNode(e));
        break;
      case "goal.finished":
        ending = e;
        break;
      case "subtask.dispatched":
      case "subtask.started": {
        const st = subtask(e.subtaskId, e.agent);
        st.node.at ??= e.at;
        if (e.attempt > (st.attempt ?? 0)) st.lastModelCall = undefined; // a new attempt starts its own steps
        st.attempt = Math.max(st.attempt ?? 0, e.attempt);
        if (e.type === "subtask.started") {
          st.instance = e.instance;
          st.progress = "running";
        } else if (st.progress === "pending") st.progress = "dispatched";
        break;
      }
      case "subtask.replayed": {
        const st = subtask(e.subtaskId, e.agent);
        st.node.at ??= e.at;
        st.instance ??= e.instance;
        st.replayed = e.reason;
        st.progress = "running";
        break;
      }
      case "subtask.finished":
        subtask(e.subtaskId, e.agent).ending = e;
        break;
      case "model.call": {
        if (isPlannerCall(e)) {
          if (plan === undefined) {
            plan = planNode();
            goal.children.push(plan);
          }
          addPlannerCall(plan, e);
          break;
        }
        const st = subtask(e.subtaskId, e.agent);
        const node = modelCallNode(e);
        st.node.children.push(node);
        st.lastModelCall = { node, step: e.step };
        break;
      }
      case "tool.call":
        stepParent(subtask(e.subtaskId, e.agent), e.step).push(toolCallNode(e));
        break;
      case "checkpoint":
        stepParent(subtask(e.subtaskId, e.agent), e.step).push(checkpointNode(e));
        break;
      case "context.summarized":
        stepParent(subtask(e.subtaskId, e.agent), e.step).push(summarizedNode(e));
        break;
      case "proposal.created": {
        const node = proposalNode(e);
        proposals.set(e.proposal.id, node);
        stepParent(subtask(e.subtaskId, e.agent)).push(node);
        break;
      }
      case "proposal.decided":
      case "action.finished": {
        const proposal = proposals.get(e.proposalId);
        if (proposal !== undefined) proposal.status = e.status; // where the proposal stands now
        const node = e.type === "proposal.decided" ? decidedNode(e) : actionNode(e);
        (proposal?.children ?? subtask(e.subtaskId, e.agent).node.children).push(node);
        break;
      }
      case "limit.hit":
        subtask(e.subtaskId, e.agent).node.children.push(limitHitNode(e));
        break;
      default:
        // A type added to the contract after this code was written: keep it visible.
        goal.children.push(unknownNode(e));
    }
  }

  const done = input.done === undefined ? undefined : GoalResult.safeParse(input.done);
  let failedIn: string | undefined;
  if (done?.success) {
    const r = done.data;
    for (const s of r.subtasks) {
      const st = subtask(s.subtaskId, s.agent);
      st.instance ??= s.instance;
      st.attempt ??= s.attempt;
      // A decision or an answer settles a waiting subtask in the goal's record; its agent says nothing more.
      if (st.ending === undefined || (isWaiting(st.ending.status) && s.status !== st.ending.status)) {
        st.ending = s;
      }
      st.node.at ??= s.startedAt;
    }
    ending ??= r;
    goal.at ??= r.acceptedAt ?? r.finishedAt;
    failedIn = r.failure?.subtaskId;
  }

  // A goal that waits for a person has not ended: what it has not run yet is still pending.
  const ended = ending !== undefined && !isWaiting(ending.status);
  for (const [id, st] of subtasks) finishSubtask(id, st, ended);
  if (plan !== undefined) {
    finishPlanNode(plan, { name: accepted?.plan, ...planned, goalEnded: ended });
    // An LLM plan is made before the goal is announced accepted: the goal starts with its planning.
    if (plan.at !== undefined && (goal.at === undefined || Date.parse(plan.at) < Date.parse(goal.at))) {
      goal.at = plan.at;
    }
  }
  Object.assign(goal, metrics(ending));
  if (goal.status === undefined) {
    const duplicate = accepted === undefined && goal.children.some((c) => c.type === "goal.duplicate");
    goal.status = duplicate ? "duplicate" : "running";
  }
  if (ending?.failure !== undefined) {
    facts.push(clip(`${failedIn === undefined ? "" : `failed in ${failedIn}: `}${ending.failure.message}`));
  }
  if (facts.length > 0) goal.detail = facts.join(" · ");
  return goal;
}

/** Fills a subtask node from what its events said; a goal that ended without running it skipped it. */
function finishSubtask(id: string, st: SubtaskState, goalEnded: boolean): void {
  const where = st.instance === undefined ? "" : ` @ ${st.instance}`;
  const attempt = (st.attempt ?? 1) > 1 ? ` attempt ${st.attempt}` : "";
  st.node.label = `${id} → ${st.agent ?? "?"}${where}${attempt}${st.replayed === undefined ? "" : " (replayed)"}`;
  Object.assign(st.node, metrics(st.ending));
  if (st.node.status === undefined) {
    st.node.status = st.progress === "pending" && goalEnded ? "skipped" : st.progress;
  }
  const notes: string[] = [];
  if (st.dependsOn.length > 0) notes.push(`after ${st.dependsOn.join(", ")}`);
  if (st.replayed !== undefined) notes.push(`replayed: ${st.replayed}`);
  if (st.ending?.failure !== undefined) notes.push(st.ending.failure.message);
  if (notes.length > 0) st.node.detail = clip(notes.join(" · "));
}
