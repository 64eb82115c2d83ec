import { parseArgs } from "node:util";
import { GoalId } from "@switchyard/contracts";
import { describeIssues, readStoredJson, toValidationIssues, type Bus } from "@switchyard/infra";
import { CliError, connectCli } from "../client.ts";
import { believedEvents, publishedEvents } from "../history/published-event.ts";
import { renderTrace } from "../history/render-trace.ts";
import type { TraceNode } from "../history/trace-node.ts";
import { buildTraceTree } from "../history/trace-tree.ts";

/** Exit code of `trace` when the stream holds nothing about the goal. */
export const TRACE_NOT_FOUND = 3;

export const TRACE_USAGE = `switchyard trace <goalId> [--json] [--nats <url>]
  Shows what happened to a goal, from the events stream: goal → subtasks → model calls → tool calls, with status,
  tokens, cost, time and failure kind; limits hit, checkpoints, proposals and summaries too.
  --json         print the tree as JSON: nodes of { type, label, status?, tokens?, costUsd?, ms?, failureKind?, at?,
                 detail?, children: [...] }, the goal at the root
  --nats <url>   NATS server (default: $NATS_URL, else the stack \`switchyard up\` runs)
  --as <id>      act as this identity (default operator)
Exit code: 0 printed, ${TRACE_NOT_FOUND} nothing stored for that goal id (unknown, or its events expired),
  2 bad usage, 1 anything else (e.g. no NATS server).`;

/** Reads a goal's events and done message and builds its tree; throws (exit 3) when there is neither. */
export async function loadTrace(bus: Bus, goalId: string): Promise<TraceNode> {
  const { subjects, streams } = bus.names;
  const [events, results] = await Promise.all([
    readStoredJson(bus, streams.events, subjects.goalEvents(goalId)),
    readStoredJson(bus, streams.events, subjects.goalDoneOf(goalId)),
  ]);
  // The latest result: the final one, or the interim one of a goal that waits for a person.
  const done = results.values.at(-1);
  if (events.values.length === 0 && done === undefined) {
    throw new CliError(
      `no events for goal "${goalId}" in ${streams.events}: unknown goal id, or its events have expired`,
      TRACE_NOT_FOUND,
    );
  }
  if (events.undecodable > 0) {
    process.stderr.write(`note: ${events.undecodable} message(s) of goal ${goalId} are not JSON and were skipped\n`);
  }
  const believed = believedEvents(publishedEvents(events.values, events.subjects));
  if (believed.refused > 0) {
    process.stderr.write(
      `note: ${believed.refused} event(s) of goal ${goalId} were published by a service other than the one they are ` +
        "about, and were left out\n",
    );
  }
  return buildTraceTree({ goalId, events: believed.events, done });
}

/** `switchyard trace`. */
export async function traceCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: "boolean", default: false }, nats: { type: "string" }, as: { type: "string" } },
  });
  if (positionals.length !== 1 || positionals[0] === undefined) {
    throw new CliError(`expected exactly one goal id\n\n${TRACE_USAGE}`, 2);
  }
  // The id becomes a subject token: `>` or `a.b` would read other goals' events.
  const id = GoalId.safeParse(positionals[0]);
  if (!id.success) {
    throw new CliError(`invalid goal id "${positionals[0]}": ${describeIssues(toValidationIssues(id.error))}`, 2);
  }
  const { bus } = await connectCli(values, { role: "operator" });
  try {
    const tree = await loadTrace(bus, id.data);
    process.stdout.write(values.json ? `${JSON.stringify(tree)}\n` : `${renderTrace(tree)}\n`);
    return 0;
  } finally {
    await bus.close();
  }
}
