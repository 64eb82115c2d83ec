// The writer's offline model: a templated reply filled from the input, so the demo runs without an API key.
import { registerScript, type ChatMessage } from "@switchyard/agent-kit";
import { WriterInput, type Reply } from "./schema.ts";

/** Name of the offline script (`scripted:support-writer`). */
export const WRITER_SCRIPT = "support-writer";

type Category = WriterInput["classification"]["category"];

const SUBJECTS: Record<Category, string> = {
  refund: "Your refund request",
  shipping: "Your delivery",
  account: "Access to your account",
  other: "Your question",
};
// The writer runs beside the refunds agent and does not see its decision: promise the review, not the outcome.
const NEXT_STEPS: Record<Category, string> = {
  refund:
    "A member of our team reviews your refund request against this policy, and we will email you as soon as it is " +
    "decided.",
  shipping: "We are keeping an eye on your order and will write again if anything changes.",
  account: "If these steps do not get you back in, reply to this email and we will verify your identity with you.",
  other: "If anything is unclear, just reply to this email.",
};

/** Drafts the reply with fixed templates: deterministic, no model. */
export function draftReply({ classification, research }: WriterInput): Reply {
  const issue = classification.summary.replace(/\s+/g, " ").trim();
  // Article ids are for reviewers, not for the customer.
  const found = research.answer.replace(/\s*\[[\w-]+\]/g, "").trim();
  const paragraphs = [
    "Hello,",
    `Thank you for contacting us. You wrote: "${issue}"`,
    found === "" ? "" : `Here is what we found. ${found}`,
    classification.urgency === "high" ? "We have marked your request as urgent." : "",
    NEXT_STEPS[classification.category],
    "Kind regards,\nCustomer Support",
  ];
  return {
    subject: SUBJECTS[classification.category],
    body: paragraphs.filter((p) => p !== "").join("\n\n"),
  };
}

/** The task input the loop put in the first user message (`Task input:\n<json>`). */
function taskInput(messages: readonly ChatMessage[]): unknown {
  const first = messages.find((m): m is Extract<ChatMessage, { role: "user" }> => m.role === "user");
  const json = first === undefined ? undefined : /^Task input:\n([\s\S]*?)(?:\n\n|$)/.exec(first.content)?.[1];
  if (json === undefined) throw new Error(`${WRITER_SCRIPT}: the first user message holds no task input`);
  return JSON.parse(json) as unknown;
}

registerScript(WRITER_SCRIPT, {
  reply: ({ request }) => {
    const input = WriterInput.parse(taskInput(request.messages));
    return {
      toolCalls: [
        {
          name: "final_answer",
          args: {
            answer: draftReply(input),
            assessment: {
              established: [`The ticket is a ${input.classification.category} ticket.`, ...input.research.facts],
              assumed: ["The research answer is what the customer needs to hear."],
              unknown: [],
            },
          },
        },
      ],
    };
  },
});
