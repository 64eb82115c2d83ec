// The researcher's offline model: look everything up on the first turn, then answer from what the tools returned.
import { registerScript, type ChatMessage } from "@switchyard/agent-kit";
import { Customer } from "./data/customers.ts";
import { Order } from "./data/orders.ts";
import { ResearcherInput, type Research } from "./schema.ts";
import { KbSearchResult } from "./search.ts";

/** Name of the offline script (`scripted:support-researcher`). */
export const RESEARCHER_SCRIPT = "support-researcher";

type ToolResult = { toolName: string; isError: boolean; content: string; data: unknown };

/** The task input the loop put in the first user message (`Task input:\n<json>`). */
function taskInput(messages: readonly ChatMessage[]): unknown {
  const first = messages.find((m): m is Extract<ChatMessage, { role: "user" }> => m.role === "user");
  const json = first === undefined ? undefined : /^Task input:\n([\s\S]*?)(?:\n\n|$)/.exec(first.content)?.[1];
  if (json === undefined) throw new Error(`${RESEARCHER_SCRIPT}: the first user message holds no task input`);
  return JSON.parse(json) as unknown;
}

/** Every tool result so far, with the JSON between the `<tool_output>` tags parsed (undefined if it is not JSON). */
function toolResults(messages: readonly ChatMessage[]): ToolResult[] {
  return messages.flatMap((m) =>
    m.role !== "tool"
      ? []
      : m.results.map((r) => {
          const body = /<tool_output [^>]*>\n([\s\S]*?)\n<\/tool_output>/.exec(r.content)?.[1];
          let data: unknown;
          try {
            data = body === undefined ? undefined : (JSON.parse(body) as unknown);
          } catch {
            data = undefined; // trimmed output: treat as unreadable
          }
          return { toolName: r.toolName, isError: r.isError, content: r.content, data };
        }),
  );
}

const usd = (amount: number) => `${amount.toFixed(2)} USD`;

function orderStatus(order: Order): string {
  switch (order.status) {
    case "delivered":
      return order.deliveredDaysAgo === undefined
        ? "was delivered"
        : `was delivered ${order.deliveredDaysAgo} days ago`;
    case "shipped":
      return "has shipped and is on its way";
    case "processing":
      return "has not shipped yet";
    case "cancelled":
      return "was cancelled";
  }
}

/** The final answer, built only from the input and what the tools returned. */
function answerFrom(input: ResearcherInput, results: readonly ToolResult[]): { answer: Research; unknown: string[] } {
  const ok = (tool: string) => results.find((r) => r.toolName === tool && !r.isError)?.data;
  const failed = (tool: string) => results.find((r) => r.toolName === tool && r.isError)?.content;
  const articles = KbSearchResult.safeParse(ok("search_kb")).data?.articles ?? [];
  const order = Order.safeParse(ok("get_order")).data;
  const customer = Customer.safeParse(ok("get_customer")).data;
  const facts: string[] = articles.map((a) => `${a.title} [${a.id}]: ${a.excerpt}`);
  const unknown: string[] = [];
  const answer: string[] = [];

  const top = articles[0];
  if (top === undefined) {
    answer.push("The knowledge base has no article on this question.");
    unknown.push("Which policy applies to this question?");
  } else answer.push(`${top.title} [${top.id}]: ${top.excerpt}`);

  if (order !== undefined) {
    const fact = `Order ${order.orderId} (${order.items.join(", ")}) totals ${usd(order.totalUsd)} and ${orderStatus(order)}.`;
    facts.push(`${fact} It belongs to customer ${order.customerId}.`);
    answer.push(fact);
    if (input.customerId !== undefined && input.customerId !== order.customerId)
      unknown.push(`Order ${order.orderId} belongs to ${order.customerId}, not ${input.customerId}: who is asking?`);
  }
  const orderError = failed("get_order");
  if (orderError !== undefined) {
    answer.push(`Order ${input.orderId ?? "?"} could not be found, so nothing order-specific is confirmed.`);
    unknown.push(`Which order is this about? (${orderError})`);
  }
  if (customer !== undefined)
    facts.push(
      `Customer ${customer.customerId} is ${customer.name} (${customer.tier} tier, customer since ${customer.customerSince}).`,
    );
  const customerError = failed("get_customer");
  if (customerError !== undefined) unknown.push(`Who is the customer? (${customerError})`);

  return { answer: { answer: answer.join(" "), facts, sources: articles.map((a) => a.id) }, unknown };
}

registerScript(RESEARCHER_SCRIPT, {
  reply: ({ request, turn }) => {
    const input = ResearcherInput.parse(taskInput(request.messages));
    if (turn === 0) {
      const toolCalls: Array<{ name: string; args: unknown }> = [
        { name: "search_kb", args: { query: input.question } },
      ];
      if (input.orderId !== undefined) toolCalls.push({ name: "get_order", args: { orderId: input.orderId } });
      if (input.customerId !== undefined)
        toolCalls.push({ name: "get_customer", args: { customerId: input.customerId } });
      return { text: "Looking up the policy and the customer's records.", toolCalls };
    }
    const results = toolResults(request.messages);
    const { answer, unknown } = answerFrom(input, results);
    return {
      toolCalls: [
        {
          name: "final_answer",
          args: {
            answer,
            assessment: {
              established: answer.facts,
              assumed: answer.sources.length > 0 ? [`The best-matching article [${answer.sources[0]}] applies.`] : [],
              unknown: unknown.map((question) => ({ question, critical: false })),
            },
          },
        },
      ],
    };
  },
});
