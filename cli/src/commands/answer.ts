import { parseArgs } from "node:util";
import { GoalAnswer, GoalId, GoalRecord, SubtaskId, WIRE_VERSION } from "@switchyard/contracts";
import { getJson, openBucket, publishJson } from "@switchyard/infra";
import { CliError, connectCli } from "../client.ts";
import { renderGoalResult } from "../render.ts";
import { waitForGoalResult } from "../wait-for-result.ts";

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
  const timeoutS = Number(values.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0)
    throw new CliError("--timeout must be a positive number of seconds", 2);
  const { bus, identity } = await connectCli(values, { role: "approver" });
  try {
    if (identity.role !== "approver")
      throw new CliError(`answers come from a person (approver-<name>), not ${identity.name}`, 2);
    const kv = await openBucket(bus, bus.names.buckets.goals);
    const current = await getJson(kv, bus.names.keys.goal(goalId.data), GoalRecord);
    if (current === undefined) throw new CliError(`no goal "${goalId.data}"`, 1);
    if (current.value.phase.type !== "paused" || current.value.phase.result.status !== "needs_input") {
      throw new CliError(`goal ${goalId.data} is not waiting for input (it is ${current.value.phase.type})`, 3);
    }
    const answer = GoalAnswer.parse({
      v: WIRE_VERSION,
      goalId: goalId.data,
      subtaskId: subtaskId?.data,
      text,
      at: new Date().toISOString(),
    });
    await publishJson(bus, bus.names.subjects.goalAnswer(identity.of), GoalAnswer, answer);
    if (!values.json) process.stderr.write(`answer sent; waiting for goal ${goalId.data} to go on…\n`);
    const result = await waitForGoalResult(bus, { goalId: goalId.data }, timeoutS * 1000, {
      pausesSeen: current.value.pausesSoFar ?? 1,
    });
    process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `${renderGoalResult(result)}\n`);
    return result.status === "ok" ? 0 : 3;
  } finally {
    await bus.close();
  }
}
