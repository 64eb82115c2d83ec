import { parseArgs } from "node:util";
import { CancelReply, CancelRequest, GoalId, WIRE_VERSION } from "@switchyard/contracts";
import { errorMessage } from "@switchyard/infra";
import { CliError, connectCli } from "../client.ts";

export const CANCEL_USAGE = `switchyard cancel <goalId> [--reason "..."] [--json] [--nats <url>] [--as <identity>]
  Cancels a goal: its pending subtasks never start and running ones are aborted. A backend identity
  (backend-<tenant>, the default) cancels its own tenant's goals; a person (--as approver-<name>) any goal.
  Prints the goal's final status (--json: its GoalResult).
Exit code: 0 cancelled, 3 the goal had already ended otherwise, 1 unknown goal or no coordinator, 2 bad usage.`;

const REQUEST_MS = 15_000;

/** `switchyard cancel`. */
export async function cancelCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      reason: { type: "string" },
      json: { type: "boolean", default: false },
      nats: { type: "string" },
      as: { type: "string" },
    },
  });
  const id = GoalId.safeParse(positionals[0]);
  if (positionals.length !== 1 || !id.success) throw new CliError(`expected one goal id\n\n${CANCEL_USAGE}`, 2);
  const { bus, identity } = await connectCli(values, { role: "backend" });
  try {
    if (identity.role !== "backend" && identity.role !== "approver") {
      throw new CliError(`a goal is cancelled by a backend or a person, not ${identity.name}`, 2);
    }
    const subject =
      identity.role === "backend"
        ? bus.names.subjects.goalCancel("tenant", identity.of)
        : bus.names.subjects.goalCancel("person", identity.of);
    const request = CancelRequest.parse({
      v: WIRE_VERSION,
      goalId: id.data,
      reason: values.reason,
      requestedAt: new Date().toISOString(),
    });
    let reply: CancelReply;
    try {
      const msg = await bus.nc.request(subject, JSON.stringify(request), { timeout: REQUEST_MS });
      reply = CancelReply.parse(msg.json());
    } catch (err) {
      throw new CliError(`no coordinator answered the cancel request: ${errorMessage(err)}`);
    }
    if (!reply.ok) throw new CliError(`cannot cancel ${id.data}: ${reply.error.message} (${reply.error.code})`);
    const result = reply.data;
    const already = reply.alreadyEnded ? ` (it had already ended ${result.status}; nothing to cancel)` : "";
    process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `goal ${id.data}: ${result.status}${already}\n`);
    return result.status === "cancelled" ? 0 : 3;
  } finally {
    await bus.close();
  }
}
