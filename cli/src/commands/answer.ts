import { parseArgs } from "node:util";
import { GoalAnswer, GoalId, SubtaskId, WIRE_VERSION } from "@switchyard/contracts";
import { publishJson } from "@switchyard/infra";
import { CliError } from "../client.ts";
import { takePersonStep, timeoutMsOf } from "../person-step.ts";

export const ANSWER_USAGE = `switchyard answer <goalId> "<text>" [--subtask <id>] [--json] [--timeout <s>] [--nats <url>] [--as <identity>]
  Answers a goal paused on needs_input: the subtasks waiting for input run again with the answer, and the goal goes
  on. Prints the goal's next result (final, or paused again). --subtask answers one subtask only. The answer is
  recorded as the person's identity (default approver-<$SY_USER or login>).
Exit code: 0 the goal ended ok, 3 it ended otherwise or paused again, 4 no result before --timeout, 2 bad usage.`;

/** `switchyard answer`. */
export async function answerCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      subtask: { type: "string" },
      json: { type: "boolean", default: false },
      timeout: { type: "string", default: "300" },
      nats: { type: "string" },
      as: { type: "string" },
    },
  });
  const goalId = GoalId.safeParse(positionals[0]);
  const text = positionals[1];
  if (positionals.length !== 2 || !goalId.success || text === undefined || text.trim() === "") {
    throw new CliError(`expected a goal id and the answer text\n\n${ANSWER_USAGE}`, 2);
  }
  const subtaskId = values.subtask === undefined ? undefined : SubtaskId.safeParse(values.subtask);
  if (subtaskId !== undefined && !subtaskId.success)
    throw new CliError(`--subtask: ${subtaskId.error.issues[0]?.message}`, 2);
  return takePersonStep({
    ...values,
    goalId: goalId.data,
    json: values.json,
    timeoutMs: timeoutMsOf(values.timeout),
    what: "answers",
    refusal: (record) =>
      record.phase.type !== "paused" || record.phase.result.status !== "needs_input"
        ? `goal ${goalId.data} is not waiting for input (it is ${record.phase.type})`
        : undefined,
    send: async (bus, person) => {
      const answer = GoalAnswer.parse({
        v: WIRE_VERSION,
        goalId: goalId.data,
        subtaskId: subtaskId?.data,
        text,
        at: new Date().toISOString(),
      });
      await publishJson(bus, bus.names.subjects.goalAnswer(person), GoalAnswer, answer);
    },
  });
}
