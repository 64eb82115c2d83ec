// The refunds agent's offline model: read the order, apply the policy, and propose the refund when it applies.
import { registerScript, type ChatMessage, type ScriptedReply } from "@switchyard/agent-kit";
import { Order } from "./data/orders.ts";
import { AUTO_APPROVAL_LIMIT_USD, REFUND_WINDOW_DAYS } from "./policy.ts";
import { RefundsInput, type RefundDecision } from "./schema.ts";

/** Name of the offline script (`scripted:support-refunds`). */
export const REFUNDS_SCRIPT = "support-refunds";

const ASKS_FOR_REFUND =
  /\b(refunds?|refunded|money back|reimburse\w*|charged twice|double[- ]charged|return(ed|ing)?|send (it|them) back)\b/i;

type Call = NonNullable<ScriptedReply["toolCalls"]>[number];

const usd = (amount: number) => `${amount.toFixed(2)} USD`;

/** The task input the loop put in the first user message (`Task input:\n<json>`). */
function taskInput(messages: readonly ChatMessage[]): unknown {
  const first = messages.find((m): m is Extract<ChatMessage, { role: "user" }> => m.role === "user");
  const json = first === undefined ? undefined : /^Task input:\n([\s\S]*?)(?:\n\n|$)/.exec(first.content)?.[1];
  if (json === undefined) throw new Error(`${REFUNDS_SCRIPT}: the first user message holds no task input`);
  return JSON.parse(json) as unknown;
}

/** The last `get_order` result: the order parsed from between the `<tool_output>` tags, or the error text. */
function orderLookup(messages: readonly ChatMessage[]): { order: Order } | { error: string } {
  const result = messages
    .flatMap((m) => (m.role === "tool" ? m.results : []))
    .findLast((r) => r.toolName === "get_order");
  if (result === undefined) return { error: "get_order was not called" };
  if (result.isError) return { error: result.content };
  const body = /<tool_output [^>]*>\n([\s\S]*?)\n<\/tool_output>/.exec(result.content)?.[1];
  let data: unknown;
  try {
    data = body === undefined ? undefined : (JSON.parse(body) as unknown);
  } catch {
    data = undefined;
  }
  const order = Order.safeParse(data);
  return order.success ? { order: order.data } : { error: "get_order returned an unreadable order" };
}

const finish = (answer: RefundDecision, established: string[], critical?: string): Call[] => [
  {
    name: "final_answer",
    args: {
      answer,
      assessment: {
        established,
        assumed: [],
        unknown: critical === undefined ? [] : [{ question: critical, critical: true }],
      },
    },
  },
];

/** The decision for a looked-up order under the policy; a refund comes with its `issue_refund` call. */
function decide(input: RefundsInput, order: Order): ScriptedReply {
  const facts = [
    `Order ${order.orderId} totals ${usd(order.totalUsd)}, status ${order.status}` +
      (order.deliveredDaysAgo === undefined ? "." : `, delivered ${order.deliveredDaysAgo} days ago.`),
  ];
  const deny = (rationale: string) => ({ toolCalls: finish({ decision: "deny", amountUsd: 0, rationale }, facts) });
  if (!ASKS_FOR_REFUND.test(input.request)) return deny("The request does not ask for a refund; none is proposed.");
  if (order.status !== "delivered" || order.deliveredDaysAgo === undefined) {
    const rationale = `Order ${order.orderId} is ${order.status}, not delivered: a person decides (cancel or reship).`;
    return { toolCalls: finish({ decision: "escalate", amountUsd: 0, rationale }, facts) };
  }
  if (order.deliveredDaysAgo > REFUND_WINDOW_DAYS)
    return deny(
      `Order ${order.orderId} was delivered ${order.deliveredDaysAgo} days ago, outside the ` +
        `${REFUND_WINDOW_DAYS}-day refund window.`,
    );
  const amountUsd = order.totalUsd;
  const review =
    amountUsd > AUTO_APPROVAL_LIMIT_USD
      ? `above the ${AUTO_APPROVAL_LIMIT_USD} USD automatic-approval limit, so a person approves it`
      : `within the ${AUTO_APPROVAL_LIMIT_USD} USD automatic-approval limit`;
  const rationale =
    `Order ${order.orderId} was delivered ${order.deliveredDaysAgo} days ago, inside the ${REFUND_WINDOW_DAYS}-day ` +
    `window: refund of the full ${usd(amountUsd)}, ${review}.`;
  return {
    // The turn's text is the reason the reviewer sees on the proposal.
    text: rationale,
    toolCalls: [
      { name: "issue_refund", args: { orderId: order.orderId, amountUsd, reason: input.request.slice(0, 500) } },
      ...finish({ decision: "refund", amountUsd, rationale }, facts),
    ],
  };
}

/**
 * The order id a person gave when the run asked which order: the reply to its `final_answer` (a resumed run meets
 * its question again, answered), e.g. `… answered: order A-1001`.
 */
function answeredOrderId(messages: readonly ChatMessage[]): string | undefined {
  const last = messages.at(-1);
  if (last?.role !== "tool") return undefined;
  const reply = last.results.find((r) => r.toolName === "final_answer" && !r.isError)?.content;
  const answer = reply?.split(" answered: ")[1];
  return answer === undefined ? undefined : /\b[A-Z]-\d{3,}\b/.exec(answer)?.[0];
}

registerScript(REFUNDS_SCRIPT, {
  reply: ({ request, turn }) => {
    const input = RefundsInput.parse(taskInput(request.messages));
    if (turn === 0) return { toolCalls: [{ name: "get_order", args: { orderId: input.orderId } }] };
    const answered = answeredOrderId(request.messages);
    if (answered !== undefined) return { toolCalls: [{ name: "get_order", args: { orderId: answered } }] };
    const lookup = orderLookup(request.messages);
    if ("order" in lookup) return decide(input, lookup.order);
    const rationale = `The order could not be read (${lookup.error}); a person must check the order id.`;
    return {
      toolCalls: finish({ decision: "escalate", amountUsd: 0, rationale }, [], "Which order should be refunded?"),
    };
  },
});
