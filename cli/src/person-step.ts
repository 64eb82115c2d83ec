import { GoalRecord } from "@switchyard/contracts";
import { getJson, openBucket, type Bus } from "@switchyard/infra";
import { CliError, connectCli, type ConnectOptions } from "./client.ts";
import { renderGoalResult } from "./render.ts";
import { waitForGoalResult } from "./wait-for-result.ts";

/** `--timeout <seconds>` in milliseconds; a usage error (exit 2) otherwise. */
export function timeoutMsOf(seconds: string): number {
  const s = Number(seconds);
  if (!Number.isFinite(s) || s <= 0) throw new CliError("--timeout must be a positive number of seconds", 2);
  return s * 1000;
}

/** A person's step that moves a paused goal on: `answer` and `review`. */
export type PersonStep = ConnectOptions & {
  goalId: string;
  json: boolean;
  timeoutMs: number;
  /** What the step is, for messages: `answers`, `reviews`. */
  what: string;
  /** Why the goal cannot take this step now (exit 3), or `undefined`. */
  refusal(record: GoalRecord): string | undefined;
  /** Publishes the step as the person. */
  send(bus: Bus, person: string): Promise<void>;
};

/**
 * Connects as a person, checks the goal waits for this step, sends it, then waits for the goal's next result (final,
 * or paused again) and prints it. Exit 0 when the goal ended ok, 3 otherwise, 4 on timeout (from the wait).
 */
export async function takePersonStep(step: PersonStep): Promise<number> {
  const { bus, identity } = await connectCli(step, { role: "approver" });
  try {
    if (identity.role !== "approver")
      throw new CliError(`${step.what} come from a person (approver-<name>), not ${identity.name}`, 2);
    const kv = await openBucket(bus, bus.names.buckets.goals);
    const current = await getJson(kv, bus.names.keys.goal(step.goalId), GoalRecord);
    if (current === undefined) throw new CliError(`no goal "${step.goalId}"`, 1);
    const refused = step.refusal(current.value);
    if (refused !== undefined) throw new CliError(refused, 3);
    await step.send(bus, identity.of);
    if (!step.json) process.stderr.write(`sent; waiting for goal ${step.goalId} to go on…\n`);
    const result = await waitForGoalResult(bus, { goalId: step.goalId }, step.timeoutMs, {
      pausesSeen: current.value.pausesSoFar ?? 1,
    });
    process.stdout.write(step.json ? `${JSON.stringify(result)}\n` : `${renderGoalResult(result)}\n`);
    return result.status === "ok" ? 0 : 3;
  } finally {
    await bus.close();
  }
}
