import { parseArgs } from "node:util";
import { GoalId, type RecordedRun } from "@switchyard/contracts";
import { describeIssues, openBucket, toValidationIssues, type Bus } from "@switchyard/infra";
import { CliError, connectCli } from "../client.ts";
import { recordedRunsOf, type StoredKey } from "../history/recorded-runs.ts";

/** Exit code of `journal` when no agent of the goal kept a journal. */
export const JOURNAL_NOT_FOUND = 3;

export const JOURNAL_USAGE = `switchyard journal <goalId> [--json] [--nats <url>]
  Shows the run journals of a goal's LLM subtasks: every model response (tools called, tokens, the attempt that paid)
  and every read tool's result, in order — what a resumed run replays instead of calling again.
  --json         print the recorded runs as JSON ([{ agent, goalId, subtaskId, root, task, entries, effects }]): a
                 fixture for replayRecordedRun (replay against changed code) or scriptFromRecordedRuns (a fixture)
  --nats <url>   NATS server (default: $NATS_URL, else the stack \`switchyard up\` runs)
  --as <id>      act as this identity (default operator)
Exit code: 0 printed, ${JOURNAL_NOT_FOUND} no journal for that goal id, 2 bad usage, 1 anything else.`;

/** Reads every journal and effects-ledger key of a goal's agents. */
export async function loadRecordedRuns(bus: Bus, goalId: string): Promise<RecordedRun[]> {
  const kv = await openBucket(bus, bus.names.buckets.effects);
  const stored: StoredKey[] = [];
  for (const filter of [`agent.*.journal.${goalId}.>`, `agent.*.effect.${goalId}.>`]) {
    for await (const key of await kv.keys(filter)) {
      const entry = await kv.get(key);
      if (entry === null || entry.operation !== "PUT") continue;
      try {
        stored.push({ key, value: entry.json<unknown>() });
      } catch {
        stored.push({ key, value: undefined }); // counted as skipped
      }
    }
  }
  const { runs, skipped } = recordedRunsOf(goalId, stored);
  if (skipped > 0) process.stderr.write(`note: ${skipped} journal entries of goal ${goalId} could not be read\n`);
  return runs;
}

/** One line per entry: position, what it is, and what it cost or returned. */
export function renderRecordedRuns(runs: readonly RecordedRun[]): string {
  return runs
    .map((run) => {
      const lines = run.entries.map((e, i) =>
        e.kind === "model"
          ? `  #${i} model   attempt ${e.attempt}  ${e.response.usage.inputTokens}+${e.response.usage.outputTokens} tok` +
            `  → ${e.response.toolCalls.map((c) => c.name).join(", ") || "(no tool call)"}`
          : `  #${i} read    ${e.outcome.padEnd(7)} ${e.toolCallId}  ${e.content.replace(/\s+/g, " ").slice(0, 80)}`,
      );
      return [`${run.agent} · subtask ${run.subtaskId} · journal of attempt ${run.root}`, ...lines].join("\n");
    })
    .join("\n\n");
}

/** `switchyard journal`. */
export async function journalCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: "boolean", default: false }, nats: { type: "string" }, as: { type: "string" } },
  });
  if (positionals.length !== 1 || positionals[0] === undefined) {
    throw new CliError(`expected exactly one goal id\n\n${JOURNAL_USAGE}`, 2);
  }
  // The id becomes part of a key filter: `>` or `a.b` would read other goals' journals.
  const id = GoalId.safeParse(positionals[0]);
  if (!id.success) {
    throw new CliError(`invalid goal id "${positionals[0]}": ${describeIssues(toValidationIssues(id.error))}`, 2);
  }
  const { bus } = await connectCli(values, { role: "operator" });
  try {
    const runs = await loadRecordedRuns(bus, id.data);
    if (runs.length === 0) {
      throw new CliError(
        `no run journal for goal "${id.data}" (unknown goal, or no LLM subtask ran)`,
        JOURNAL_NOT_FOUND,
      );
    }
    process.stdout.write(values.json ? `${JSON.stringify(runs)}\n` : `${renderRecordedRuns(runs)}\n`);
    return 0;
  } finally {
    await bus.close();
  }
}
