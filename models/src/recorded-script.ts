// A recorded run (its journal, as `switchyard journal <goalId> --json` exports it) as a script: the model answers as
// it did in production, so a real run becomes a fixture for tests and evals. A run is recognised by its task input
// (the first user message, `Task input:\n<json>`), and turn n gets the recording's n-th model response, so concurrent
// runs and repeats of the same task each get the whole recording.
import type { RecordedRun } from "@switchyard/contracts";
import { canonicalJson } from "@switchyard/infra";
import { ModelError } from "./errors.ts";
import type { Script, ScriptedReply } from "./scripted-provider.ts";

const TASK_INPUT = /^Task input:\n([\s\S]*?)(?:\n\n|$)/;

/** The task input a conversation started with, as canonical JSON (undefined when it has none). */
function taskKey(content: string): string | undefined {
  const json = TASK_INPUT.exec(content)?.[1];
  if (json === undefined) return undefined;
  try {
    return canonicalJson(JSON.parse(json));
  } catch {
    return undefined;
  }
}

/** A script that answers the conversation of each recorded run as the recording did. */
export function scriptFromRecordedRuns(recordings: readonly RecordedRun[]): Script {
  const byInput = new Map<string, RecordedRun>();
  for (const run of recordings) {
    const key = canonicalJson(run.task.input);
    if (key !== undefined && !byInput.has(key)) byInput.set(key, run);
  }
  return {
    reply: ({ request, turn }) => {
      const first = request.messages.find((m) => m.role === "user");
      const key = first === undefined ? undefined : taskKey(first.content);
      const run = key === undefined ? undefined : byInput.get(key);
      if (run === undefined) {
        throw new ModelError("invalid_response", "recorded runs: none has this task input");
      }
      const responses = run.entries.flatMap((e) => (e.kind === "model" ? [e.response] : []));
      const response = responses[turn];
      if (response === undefined) {
        throw new ModelError(
          "invalid_response",
          `recorded runs: the recording of ${run.agent}/${run.subtaskId} has ${responses.length} model responses, ` +
            `the run asked for response ${turn + 1}`,
        );
      }
      const reply: ScriptedReply = {
        text: response.text,
        toolCalls: response.toolCalls.map((c) => ({ name: c.name, args: c.args })),
        usage: response.usage,
      };
      return reply;
    },
  };
}
