// The planner's offline model (`scripted:planner-offline`): plans from the catalog with fixed rules, so
// `plan: "llm"` works in the demo, in tests and in CI without an API key.
import type { PlannedSubtask } from "@switchyard/contracts";
import { registerScript, type ScriptedReply } from "@switchyard/models";
import { readPlannerUserMessage, SUBMIT_PLAN, type PlannerTask } from "./planner-prompt.ts";

/** Name of the offline planner script; the default planner model is `scripted:planner-offline`. */
export const PLANNER_OFFLINE_SCRIPT = "planner-offline";
/** The planner model when `SY_PLANNER_MODEL` is unset: the offline script. */
export const DEFAULT_PLANNER_MODEL = `scripted:${PLANNER_OFFLINE_SCRIPT}`;

// Words of a customer writing to support; the structured ids count too.
const SUPPORT_TICKET =
  /\b(refunds?|orders?|charged|invoice|payment|package|parcel|deliver\w*|shipp\w*|tracking|account|password|log ?in|broken|damaged|cancel\w*|help|support|customer)\b/i;
const TICKET_IDS = ["customerId", "orderId"] as const;

/** The plan the offline planner makes for a task, or why it has none. */
export function offlinePlan(task: PlannerTask): { subtasks: PlannedSubtask[]; output: string } | { reason: string } {
  const agents = new Map(task.agents.map((a) => [a.name, a]));
  const ids = TICKET_IDS.filter((k) => task.goal.input?.[k] !== undefined);
  const researcher = agents.get("researcher");
  if (
    agents.has("classifier") &&
    researcher !== undefined &&
    agents.has("writer") &&
    (SUPPORT_TICKET.test(task.goal.text) || ids.length > 0)
  ) {
    // Pass the goal's ids only where the researcher's input declares them.
    const declared = Object.keys((researcher.input["properties"] as Record<string, unknown> | undefined) ?? {});
    const research: Record<string, string> = { question: "$goal.text" };
    for (const k of ids) if (declared.includes(k)) research[k] = `$goal.input.${k}`;
    return {
      subtasks: [
        { id: "classify", agent: "classifier", input: { ticket: "$goal.text" }, dependsOn: [] },
        { id: "research", agent: "researcher", input: research, dependsOn: ["classify"] },
        {
          id: "reply",
          agent: "writer",
          input: { ticket: "$goal.text", classification: "$upstream.classify", research: "$upstream.research" },
          dependsOn: ["classify", "research"],
        },
      ],
      output: "reply",
    };
  }
  if (agents.has("keywords") && agents.has("report")) {
    return {
      subtasks: [
        { id: "keywords", agent: "keywords", input: { text: "$goal.text" }, dependsOn: [] },
        {
          id: "report",
          agent: "report",
          input: { text: "$goal.text", keywords: "$upstream.keywords.keywords" },
          dependsOn: ["keywords"],
        },
      ],
      output: "report",
    };
  }
  if (agents.has("keywords")) {
    return {
      subtasks: [{ id: "keywords", agent: "keywords", input: { text: "$goal.text" }, dependsOn: [] }],
      output: "keywords",
    };
  }
  const running = [...agents.keys()].join(", ") || "none";
  return {
    reason:
      `${PLANNER_OFFLINE_SCRIPT}: no offline plan fits the running agents (${running}); it needs classifier, ` +
      "researcher and writer for a support ticket, or keywords (and report). Set SY_PLANNER_MODEL to a real model " +
      "or use a template plan.",
  };
}

function reply(task: PlannerTask | undefined): ScriptedReply {
  if (task === undefined) return { text: `${PLANNER_OFFLINE_SCRIPT}: the request holds no planner task` };
  const plan = offlinePlan(task);
  // No plan: answer in words; the planner reports them in the goal's failure.
  if ("reason" in plan) return { text: plan.reason };
  return { toolCalls: [{ name: SUBMIT_PLAN, args: plan }] };
}

registerScript(PLANNER_OFFLINE_SCRIPT, {
  reply: ({ request }) => {
    const first = request.messages[0];
    return reply(first?.role === "user" ? readPlannerUserMessage(first.content) : undefined);
  },
});
