// The classifier's offline model: fixed keyword rules, so the demo and the tests run without an API key.
import { registerScript, type ChatMessage } from "@switchyard/agent-kit";
import { ClassifierInput, type Classification } from "./schema.ts";

/** Name of the offline script (`scripted:support-classifier`). */
export const CLASSIFIER_SCRIPT = "support-classifier";

// First match wins: a refund ticket often mentions shipping too, and "account" words appear everywhere.
const CATEGORY_RULES: ReadonlyArray<{ category: Classification["category"]; pattern: RegExp }> = [
  {
    category: "refund",
    pattern:
      /\b(refunds?|refunded|money back|reimburse\w*|charged twice|double[- ]charged|chargeback|send (it|them) back)\b/i,
  },
  {
    category: "shipping",
    pattern: /\b(ship\w*|deliver\w*|package|parcel|tracking|track|arriv\w*|courier|lost in (the )?(mail|post))\b/i,
  },
  {
    category: "account",
    pattern: /\b(log ?in|sign ?in|password|account|locked out|two-factor|2fa|username|email address)\b/i,
  },
];
const HIGH_URGENCY =
  /\b(urgent\w*|asap|immediately|right now|fraud\w*|unauthori[sz]ed|stolen|hacked|charged twice|lawyer|chargeback)\b|!!/i;
const LOW_URGENCY = /\b(no rush|no hurry|whenever|just (a question|wondering|curious)|when you get a chance)\b/i;
const SUMMARY_MAX = 160;

/** Classifies a ticket with the script's keyword rules: deterministic, no model. */
export function classifyTicket(ticket: string): Classification {
  const category = CATEGORY_RULES.find((r) => r.pattern.test(ticket))?.category ?? "other";
  const urgency = HIGH_URGENCY.test(ticket) ? "high" : LOW_URGENCY.test(ticket) ? "low" : "normal";
  const text = ticket.replace(/\s+/g, " ").trim();
  const firstSentence = text.split(/(?<=[.!?])\s/)[0] ?? text;
  const summary = firstSentence.length > SUMMARY_MAX ? `${firstSentence.slice(0, SUMMARY_MAX - 1)}…` : firstSentence;
  return { category, urgency, summary };
}

/** The task input the loop put in the first user message (`Task input:\n<json>`). */
function taskInput(messages: readonly ChatMessage[]): unknown {
  const first = messages.find((m): m is Extract<ChatMessage, { role: "user" }> => m.role === "user");
  const json = first === undefined ? undefined : /^Task input:\n([\s\S]*?)(?:\n\n|$)/.exec(first.content)?.[1];
  if (json === undefined) throw new Error(`${CLASSIFIER_SCRIPT}: the first user message holds no task input`);
  return JSON.parse(json) as unknown;
}

registerScript(CLASSIFIER_SCRIPT, {
  reply: ({ request }) => {
    const { ticket } = ClassifierInput.parse(taskInput(request.messages));
    const answer = classifyTicket(ticket);
    const matched = answer.category === "other" ? "no category keyword matched" : `matched ${answer.category} keywords`;
    return {
      toolCalls: [
        {
          name: "final_answer",
          args: {
            answer,
            assessment: {
              established: [`The ticket ${matched}.`],
              assumed: ["Keyword rules reflect the customer's main concern."],
              unknown: [],
            },
          },
        },
      ],
    };
  },
});
