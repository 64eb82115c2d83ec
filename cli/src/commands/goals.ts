import { parseArgs } from "node:util";
import { GoalRecord } from "@switchyard/contracts";
import { getJson, openBucket } from "@switchyard/infra";
import { CliError, connectCli } from "../client.ts";

export const GOALS_USAGE = `switchyard goals --paused [--json] [--nats <url>]
  Lists the goals paused for a person: waiting for input (answer with \`switchyard answer\`) or for an approval.`;

/** One paused goal, as `--json` prints it. */
export type PausedGoal = {
  goalId: string;
  status: string;
  tenant: string;
  user: string;
  text: string;
  questions: Array<{ subtaskId: string; question: string }>;
  pendingApprovals: string[];
};

/** `switchyard goals --paused`. */
export async function goalsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      paused: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      nats: { type: "string" },
      as: { type: "string" },
    },
  });
  if (!values.paused) throw new CliError(`only --paused is supported for now\n\n${GOALS_USAGE}`, 2);
  const { bus } = await connectCli(values, { role: "operator" });
  try {
    const kv = await openBucket(bus, bus.names.buckets.goals);
    const paused: PausedGoal[] = [];
    // Walks the goal records: fine for an operator's command; a long-lived index would serve a console better.
    for await (const key of await kv.keys("goal.*")) {
      const record = (await getJson(kv, key, GoalRecord).catch(() => undefined))?.value;
      if (record?.phase.type !== "paused") continue;
      const result = record.phase.result;
      paused.push({
        goalId: record.goal.id,
        status: result.status,
        tenant: record.goal.tenant,
        user: record.goal.user,
        text: record.goal.text,
        questions: result.subtasks.flatMap((s) =>
          s.status === "needs_input"
            ? (s.assessment?.unknown ?? []).map((question) => ({ subtaskId: s.subtaskId, question }))
            : [],
        ),
        pendingApprovals: result.pendingApprovals,
      });
    }
    if (values.json) {
      process.stdout.write(`${JSON.stringify(paused)}\n`);
    } else if (paused.length === 0) {
      process.stdout.write("no paused goals\n");
    } else {
      for (const g of paused) {
        process.stdout.write(`${g.goalId}  ${g.status}  ${g.user}@${g.tenant}  ${g.text.slice(0, 60)}\n`);
        for (const q of g.questions) process.stdout.write(`    ? ${q.subtaskId}: ${q.question}\n`);
        for (const p of g.pendingApprovals) process.stdout.write(`    approval pending: ${p}\n`);
      }
    }
    return 0;
  } finally {
    await bus.close();
  }
}
