/** The first user message: the subtask's input and upstream outputs as JSON, and how to finish. */
export function renderTask(input: unknown, upstream: Record<string, unknown>): string {
  const parts = [`Task input:\n${JSON.stringify(input, null, 2)}`];
  if (Object.keys(upstream).length > 0)
    parts.push(`Results of earlier subtasks:\n${JSON.stringify(upstream, null, 2)}`);
  parts.push("Use the tools as needed, then call final_answer with your answer and your assessment.");
  return parts.join("\n\n");
}
