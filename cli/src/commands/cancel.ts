import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { CancelRequest, GoalId, GoalRecord, WIRE_VERSION } from "@switchyard/contracts";
import { createJson, getJson } from "@switchyard/infra";
import { CliError, connectCli } from "../client.ts";
import { waitForGoalResult } from "../wait-for-result.ts";

export const CANCEL_USAGE = `switchyard cancel <goalId> [--reason "..."] [--json] [--nats <url>]
  Cancels a goal: its pending subtasks never start and running ones are aborted. The request is kept in KV, so
  replicas that are down now honour it when they come back. Prints the goal's final status (--json: its GoalResult).
Exit code: 0 cancelled, 3 the goal had already ended otherwise, 4 no result within 15 s, 2 bad usage.`;

const WAIT_MS = 15_000;

/** `switchyard cancel`. */
export async function cancelCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { reason: { type: "string" }, json: { type: "boolean", default: false }, nats: { type: "string" } },
  });
  const id = GoalId.safeParse(positionals[0]);
  if (positionals.length !== 1 || !id.success) throw new CliError(`expected one goal id\n\n${CANCEL_USAGE}`, 2);
  const request = CancelRequest.parse({
    v: WIRE_VERSION,
    goalId: id.data,
    reason: values.reason,
    requestedBy: process.env["SY_USER"] ?? userInfo().username,
    requestedAt: new Date().toISOString(),
  });
  const bus = await connectCli(values.nats);
  try {
    const kv = await bus.kvm.open(bus.names.buckets.goals);
    const before = await getJson(kv, bus.names.keys.goal(id.data), GoalRecord);
    if (before?.value.phase.type === "finished") {
      const r = before.value.phase.result;
      process.stdout.write(
        values.json ? `${JSON.stringify(r)}\n` : `goal ${id.data} had already ended ${r.status}; nothing to cancel\n`,
      );
      return r.status === "cancelled" ? 0 : 3;
    }
    // The flag first (durable), then the message that makes running replicas act now.
    await createJson(kv, bus.names.keys.cancel(id.data), CancelRequest, request);
    bus.nc.publish(bus.names.subjects.cancel(id.data), JSON.stringify(request));
    const result = await waitForGoalResult(bus, id.data, WAIT_MS);
    process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `goal ${id.data}: ${result.status}\n`);
    return result.status === "cancelled" ? 0 : 3;
  } finally {
    await bus.close();
  }
}
