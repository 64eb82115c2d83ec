import { parseArgs } from "node:util";
import { readStoredJson } from "@switchyard/infra";
import { CliError, connectCli } from "../client.ts";
import { aggregateCosts, COST_GROUPINGS, UNKNOWN_KEY, type CostGrouping } from "../history/cost-report.ts";
import { publishedEvents } from "../history/published-event.ts";
import { parseDuration } from "../history/duration.ts";
import { renderCostTable } from "../history/render-costs.ts";

export const COSTS_USAGE = `switchyard costs --by user|tenant|agent [--since 24h] [--json] [--nats <url>]
  Sums cost and tokens (input, output) of the subtasks that finished in a window, and counts goals and subtasks.
  --by <key>      group by user, tenant or agent (required)
  --since <dur>   the window, back from now: 30m, 24h, 7d (default 24h)
  --json          print a JSON array of { key, goals, subtasks, inputTokens, outputTokens, costUsd }, highest cost first
  --nats <url>    NATS server (default: $NATS_URL, else the stack \`switchyard up\` runs)
  --as <id>       act as this identity (default operator)
  User and tenant come from each goal's goal.accepted event; goals accepted before the window count as "${UNKNOWN_KEY}".
  Only what the events stream still holds is counted (see SY_EVENTS_MAX_AGE_MS).`;

// Reading a long window of a busy bus takes a while; still bounded.
const READ_TIMEOUT_MS = 120_000;

function isGrouping(v: string | undefined): v is CostGrouping {
  return COST_GROUPINGS.some((g) => g === v);
}

/** `switchyard costs`. */
export async function costsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      by: { type: "string" },
      since: { type: "string", default: "24h" },
      json: { type: "boolean", default: false },
      nats: { type: "string" },
      as: { type: "string" },
    },
  });
  const by = values.by;
  if (!isGrouping(by)) {
    const got = by === undefined ? "missing" : `"${by}"`;
    throw new CliError(`--by must be one of ${COST_GROUPINGS.join(", ")} (got ${got})\n\n${COSTS_USAGE}`, 2);
  }
  const windowMs = parseDuration(values.since);
  if (windowMs === undefined) {
    throw new CliError(`--since must be a duration like 30m, 24h or 7d (got "${values.since}")`, 2);
  }
  const since = new Date(Date.now() - windowMs);
  const { bus } = await connectCli(values, { role: "operator" });
  try {
    const { streams, subjects } = bus.names;
    const read = await readStoredJson(bus, streams.events, subjects.eventsAll, { since, timeoutMs: READ_TIMEOUT_MS });
    const report = aggregateCosts(publishedEvents(read.values, read.subjects), by);
    process.stdout.write(
      values.json
        ? `${JSON.stringify(report.rows)}\n`
        : `${renderCostTable(report, by, `last ${values.since} (since ${since.toISOString()})`)}\n`,
    );
    return 0;
  } finally {
    await bus.close();
  }
}
