import { GoalRecord, type GoalResult, StepEvent } from "@switchyard/contracts";
import type { Bus } from "@switchyard/infra";
import { CliError } from "./client.ts";

/**
 * Waits for a goal's result by watching its KV record (which survives reconnects and includes the current value,
 * so a result that is already there is seen at once). If the goal turns out to be a duplicate of another goal
 * (same idempotency key), it follows that goal instead.
 */
export async function waitForGoalResult(bus: Bus, goalId: string, timeoutMs: number): Promise<GoalResult> {
  const kv = await bus.kvm.open(bus.names.buckets.goals);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let target = goalId;
  const duplicates = bus.nc.subscribe(bus.names.subjects.events(goalId));
  try {
    return await new Promise<GoalResult>((resolve, reject) => {
      const watchGoal = async (id: string) => {
        const watcher = await kv.watch({ key: bus.names.keys.goal(id) });
        controller.signal.addEventListener("abort", () => watcher.stop(), { once: true });
        for await (const entry of watcher) {
          if (id !== target) break;
          if (entry.operation !== "PUT") continue;
          const record = GoalRecord.safeParse(entry.json());
          if (record.success && record.data.phase.type === "finished") return resolve(record.data.phase.result);
        }
      };
      controller.signal.addEventListener(
        "abort",
        () => reject(new CliError(`no result for goal ${goalId} within ${timeoutMs} ms`, 4)),
        { once: true },
      );
      void watchGoal(goalId).catch(reject);
      void (async () => {
        for await (const msg of duplicates) {
          const event = StepEvent.safeParse(msg.json());
          if (event.success && event.data.type === "goal.duplicate") {
            target = event.data.originalGoalId;
            process.stderr.write(
              `goal ${goalId} is a duplicate of ${target} (same idempotency key); waiting for that one\n`,
            );
            void watchGoal(target).catch(reject);
          }
        }
      })();
    });
  } finally {
    clearTimeout(timer);
    controller.abort();
    duplicates.unsubscribe();
  }
}
