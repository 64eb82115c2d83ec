// Goal records as the coordinator keeps them: KV `<prefix>_goals`, key `goal.<id>`, a GoalRecord each.
import type { KV } from "@nats-io/kv";
import { GoalRecord } from "@switchyard/contracts";
import { errorMessage, getJson, openBucket, type Bus } from "@switchyard/infra";
import { CliError } from "../client.ts";

/** Runs a read of the goals bucket; a clear error when there is none (no coordinator ever ran under this prefix). */
async function reading<T>(bus: Bus, read: (kv: KV) => Promise<T>): Promise<T> {
  try {
    return await read(await openBucket(bus, bus.names.buckets.goals));
  } catch (err) {
    throw new CliError(
      `cannot read ${bus.names.buckets.goals}: ${errorMessage(err)} (has a coordinator run under prefix ` +
        `"${bus.names.prefix}"? start the stack with \`pnpm switchyard up\`)`,
    );
  }
}

/** One goal's record, or undefined when there is none (unknown id, or its retention has passed). */
export async function readGoalRecord(bus: Bus, goalId: string): Promise<GoalRecord | undefined> {
  const key = bus.names.keys.goal(goalId);
  return reading(bus, async (kv) => {
    // Listing the key first fails at once on a missing bucket, where a direct get would wait out its retries.
    for await (const found of await kv.keys(key)) {
      if (found === key) return (await getJson(kv, key, GoalRecord))?.value;
    }
    return undefined;
  });
}

/**
 * Every goal record in the bucket, and how many entries could not be read as one. Walks the keys: fine for an
 * operator's command; a console that lists goals often would keep an index instead.
 */
export async function readGoalRecords(bus: Bus): Promise<{ records: GoalRecord[]; unreadable: number }> {
  return reading(bus, async (kv) => {
    const records: GoalRecord[] = [];
    let unreadable = 0;
    for await (const key of await kv.keys(bus.names.keys.goal("*"))) {
      const record = await getJson(kv, key, GoalRecord).catch(() => null);
      if (record === null) unreadable++;
      else if (record !== undefined) records.push(record.value);
    }
    return { records, unreadable };
  });
}
