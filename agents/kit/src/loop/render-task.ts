import type { HumanAnswer } from "@switchyard/contracts";

/**
 * The first user message: the subtask's input, upstream outputs, and — when the subtask runs again after pausing on
 * `needs_input` — a person's answers to its open questions. Then how to finish.
 */
export function renderTask(input: unknown, upstream: Record<string, unknown>, answers: HumanAnswer[] = []): string {
  const parts = [`Task input:\n${JSON.stringify(input, null, 2)}`];
  if (Object.keys(upstream).length > 0)
    parts.push(`Results of earlier subtasks:\n${JSON.stringify(upstream, null, 2)}`);
  if (answers.length > 0) {
    parts.push(
      `You stopped earlier because information was missing. A person answered:\n${answers.map((a) => `- ${a.answeredBy}: ${a.text}`).join("\n")}`,
    );
  }
  parts.push("Use the tools as needed, then call final_answer with your answer and your assessment.");
  return parts.join("\n\n");
}
