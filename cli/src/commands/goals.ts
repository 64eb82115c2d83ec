import { parseArgs } from "node:util";
import { errorMessage } from "@switchyard/infra";
import { CliError, connectCli } from "../client.ts";
import { readGoalRecords } from "../goals/goal-records.ts";
import { matchesQuery, parseStatuses, STATUS_WORDS, summarizeGoal, type GoalQuery } from "../goals/goal-summary.ts";
import { renderGoalTable } from "../goals/render-goals.ts";
import { parseDuration } from "../history/duration.ts";

export const GOALS_USAGE = `switchyard goals [--status <s>] [--plan <p>] [--tenant <t>] [--user <u>] [--since <dur>] [--paused] [--json]
  Lists the goals the coordinator keeps (KV goal records, kept SY_RETENTION_MS after their last change), oldest first:
  id, status, plan, user@tenant, when accepted, subtasks finished, tokens, cost, text; a waiting goal's open
  questions (answer with \`switchyard answer\`) and pending approvals (\`switchyard approvals\`) below it.
  --status <s>    only goals in these states (repeat it, or comma-separate): ${STATUS_WORDS.join(", ")}
                  (paused: waiting for a person, e.g. needs_input or needs_approval)
  --paused        the same as --status paused
  --plan <p>      only goals that named this plan ("(default)": the ones that named none)
  --tenant <t>    only this tenant's goals       --user <u>   only this user's goals
  --since <dur>   only goals accepted in this window, back from now: 30m, 24h, 7d
  --json          print a JSON array of { goalId, status, plan, tenant, user, text, acceptedAt, finishedAt?,
                  subtasks: { total, finished }, tokens, costUsd, questions, pendingApprovals }
  --nats <url>    NATS server (default: $NATS_URL, else the stack \`switchyard up\` runs)
  --as <id>       act as this identity (default operator)
Exit code: 0 listed (also when none match), 2 bad usage, 1 anything else.`;

/** The query the options ask for; a usage error names the option that is wrong. */
function queryOf(values: {
  status?: string[];
  paused?: boolean;
  plan?: string;
  tenant?: string;
  user?: string;
  since?: string;
}): GoalQuery {
  let statuses: string[] | undefined;
  try {
    statuses = parseStatuses([...(values.status ?? []), ...(values.paused === true ? ["paused"] : [])]);
  } catch (err) {
    throw new CliError(`--status: ${errorMessage(err)}`, 2);
  }
  let since: Date | undefined;
  if (values.since !== undefined) {
    const windowMs = parseDuration(values.since);
    if (windowMs === undefined) {
      throw new CliError(`--since must be a duration like 30m, 24h or 7d (got "${values.since}")`, 2);
    }
    since = new Date(Date.now() - windowMs);
  }
  return { statuses, plan: values.plan, tenant: values.tenant, user: values.user, since };
}

/** `switchyard goals`. */
export async function goalsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      status: { type: "string", multiple: true },
      paused: { type: "boolean", default: false },
      plan: { type: "string" },
      tenant: { type: "string" },
      user: { type: "string" },
      since: { type: "string" },
      json: { type: "boolean", default: false },
      nats: { type: "string" },
      as: { type: "string" },
    },
  });
  const query = queryOf(values);
  const { bus } = await connectCli(values, { role: "operator" });
  try {
    const { records, unreadable } = await readGoalRecords(bus);
    const goals = records
      .map(summarizeGoal)
      .filter((g) => matchesQuery(g, query))
      .sort((a, b) => a.acceptedAt.localeCompare(b.acceptedAt) || a.goalId.localeCompare(b.goalId));
    if (unreadable > 0)
      process.stderr.write(`note: ${unreadable} goal record(s) could not be read and were left out\n`);
    process.stdout.write(values.json ? `${JSON.stringify(goals)}\n` : `${renderGoalTable(goals)}\n`);
    return 0;
  } finally {
    await bus.close();
  }
}
