import { parseArgs } from "node:util";
import { GoalId } from "@switchyard/contracts";
import { describeIssues, toValidationIssues } from "@switchyard/infra";
import { CliError, connectCli } from "../client.ts";
import { readGoalRecord } from "../goals/goal-records.ts";
import { resultOf, summarizeGoal } from "../goals/goal-summary.ts";
import { renderRunningGoal } from "../goals/render-goals.ts";
import { renderGoalResult } from "../render.ts";

/** Exit code of `goal show` for a goal that has no result yet (as `goal` exits when none came in time). */
export const STILL_RUNNING = 4;

export const GOAL_SHOW_USAGE = `switchyard goal show <goalId> [--json] [--nats <url>] [--as <identity>]
  Prints one goal as the coordinator keeps it now (its KV record): the result it ended or paused with, or, while it
  runs, where each subtask stands.
  --json   print { goalId, status, plan, tenant, user, text, acceptedAt, …, result? } (result: its GoalResult)
Exit code: 0 it ended ok, 3 it ended otherwise or waits for a person, ${STILL_RUNNING} it is still running, 1 no such goal
  (unknown, or kept no longer: SY_RETENTION_MS), 2 bad usage.`;

/** `switchyard goal show`. */
export async function goalShowCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: "boolean", default: false }, nats: { type: "string" }, as: { type: "string" } },
  });
  if (positionals.length !== 1) throw new CliError(`expected one goal id\n\n${GOAL_SHOW_USAGE}`, 2);
  const id = GoalId.safeParse(positionals[0]);
  if (!id.success) {
    throw new CliError(`invalid goal id "${positionals[0]}": ${describeIssues(toValidationIssues(id.error))}`, 2);
  }
  const { bus } = await connectCli(values, { role: "operator" });
  try {
    const record = await readGoalRecord(bus, id.data);
    if (record === undefined) throw new CliError(`no goal "${id.data}" (unknown, or no longer kept)`, 1);
    const summary = summarizeGoal(record);
    const result = resultOf(record);
    if (values.json) process.stdout.write(`${JSON.stringify({ ...summary, result })}\n`);
    else
      process.stdout.write(`${result === undefined ? renderRunningGoal(summary, record) : renderGoalResult(result)}\n`);
    return result === undefined ? STILL_RUNNING : result.status === "ok" ? 0 : 3;
  } finally {
    await bus.close();
  }
}
