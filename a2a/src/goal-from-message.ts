// What a client's message means to Switchyard: a new goal (its text parts are the goal in plain words, its data
// parts the structured input, its metadata the plan), or the answer to a goal's question.
import { randomUUID } from "node:crypto";
import { Goal, GoalAnswer, PlanChoice, WIRE_VERSION } from "@switchyard/contracts";
import { toValidationIssues } from "@switchyard/infra";
import { A2aError, invalidParams, type FieldViolation } from "./errors.ts";
import type { MessageParam, SendMessageParams } from "./request-params.ts";

/** Goal metadata keys the gateway keeps a message's ids under (a task's context and history come from them). */
export const GOAL_METADATA = { messageId: "a2a.messageId", contextId: "a2a.contextId" } as const;

/** Who a goal is submitted for. */
export type Submitter = { tenant: string; user: string; defaultPlan?: string };

/** File parts (`raw`, `url`) have no place in a goal: refused by name. */
function refuseFiles(message: MessageParam): void {
  const index = message.parts.findIndex((p) => p.raw !== undefined || p.url !== undefined);
  if (index < 0) return;
  throw new A2aError(
    "SY_ERR_A2A_CONTENT_TYPE_NOT_SUPPORTED",
    `message.parts[${index}] is a file: this agent takes text parts (the goal) and data parts (its structured ` +
      "input, a JSON object), not files",
    { details: { supportedInputModes: "text/plain,application/json" } },
  );
}

/** The message's text parts, joined: a goal's text or an answer. Empty when it has none. */
function textOf(message: MessageParam): string {
  return message.parts
    .flatMap((p) => (p.text === undefined ? [] : [p.text]))
    .join("\n")
    .trim();
}

/** The message's data parts merged in order: a goal's structured input. Each must be a JSON object. */
function inputOf(message: MessageParam): Record<string, unknown> | undefined {
  let input: Record<string, unknown> | undefined;
  message.parts.forEach((p, i) => {
    if (!Object.hasOwn(p, "data")) return;
    if (typeof p.data !== "object" || p.data === null || Array.isArray(p.data)) {
      throw invalidParams([
        { field: `message.parts.${i}.data`, description: "must be a JSON object (it becomes the goal's input)" },
      ]);
    }
    input = { ...input, ...(p.data as Record<string, unknown>) };
  });
  return input;
}

/** The plan a message asks for: its own metadata's `plan`, else the request's, else the gateway's default. */
function planOf(params: SendMessageParams, defaultPlan: string | undefined): string | undefined {
  const candidates: Array<[string, unknown]> = [
    ["message.metadata.plan", params.message.metadata?.["plan"]],
    ["metadata.plan", params.metadata?.["plan"]],
  ];
  for (const [field, value] of candidates) {
    if (value === undefined) continue;
    const plan = PlanChoice.safeParse(value);
    if (!plan.success) {
      throw invalidParams([{ field, description: plan.error.issues[0]?.message ?? "must be a plan name" }]);
    }
    return plan.data;
  }
  return defaultPlan;
}

/** A new goal from a message that names no task; its id is new (task ids are the server's to give). */
export function goalFromMessage(params: SendMessageParams, who: Submitter): Goal {
  const { message } = params;
  refuseFiles(message);
  const text = textOf(message);
  if (text === "") {
    throw invalidParams([{ field: "message.parts", description: "needs a text part: the goal in plain words" }]);
  }
  const candidate = {
    v: WIRE_VERSION,
    id: randomUUID(),
    tenant: who.tenant,
    user: who.user,
    text,
    input: inputOf(message),
    plan: planOf(params, who.defaultPlan),
    budget: {},
    metadata: {
      [GOAL_METADATA.messageId]: message.messageId,
      ...(message.contextId === undefined ? {} : { [GOAL_METADATA.contextId]: message.contextId }),
    },
  };
  const goal = Goal.safeParse(candidate);
  if (!goal.success) {
    const violations: FieldViolation[] = toValidationIssues(goal.error).map((i) => ({
      field: i.path === "text" ? "message.parts (text)" : i.path === "input" ? "message.parts (data)" : i.path,
      description: i.message,
    }));
    throw invalidParams(violations);
  }
  return goal.data;
}

/** The answer a follow-up message gives to a goal's question: its text. */
export function answerFromMessage(message: MessageParam): string {
  refuseFiles(message);
  if (message.parts.some((p) => Object.hasOwn(p, "data"))) {
    throw invalidParams([{ field: "message.parts", description: "an answer to a task's question is text only" }]);
  }
  const text = textOf(message);
  if (text === "") {
    throw invalidParams([{ field: "message.parts", description: "needs a text part: the answer to the question" }]);
  }
  const answer = GoalAnswer.shape.text.safeParse(text);
  if (!answer.success) {
    throw invalidParams([{ field: "message.parts (text)", description: answer.error.issues[0]?.message ?? "" }]);
  }
  return answer.data;
}
