import { GoalRecord, IdempotencyRecord, type GoalResult, StepEvent } from "@switchyard/contracts";
import { getJson, sha256Hex, type Bus } from "@switchyard/infra";
import { CliError } from "./client.ts";

/**
 * Waits for a goal's result — final, or interim when it pauses for a person — by watching its KV record (which survives reconnects and includes the current value,
 * so a result that is already there is seen at once). If the goal turns out to be a duplicate of another goal
 * (same idempotency key), it follows that goal instead.
 */
export async function waitForGoalResult(
  bus: Bus,
  goalId: string,
  timeoutMs: number,
  opts: { pausesSeen?: number } = {},
): Promise<GoalResult> {
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
          if (!record.success) continue;
          const { phase } = record.data;
          if (phase.type === "finished") return resolve(phase.result);
          // A pause is an answer for now (the goal waits for a person), unless it is the pause the caller already saw.
          if (phase.type === "paused" && (record.data.pausesSoFar ?? 1) > (opts.pausesSeen ?? 0))
            return resolve(phase.result);
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

/**
 * The goal an idempotency key belongs to, from the coordinator's claim in KV (`idem.<sha256>`). A resubmission with
 * a used key runs nothing and may be dropped by JetStream's dedup before any coordinator sees it, so the waiter must
 * follow the goal that owns the key. Polls (bounded) until the coordinator has made the claim.
 */
export async function goalOwningKey(bus: Bus, idempotencyKey: string, timeoutMs: number): Promise<string> {
  const kv = await bus.kvm.open(bus.names.buckets.goals);
  const key = bus.names.keys.idempotency(sha256Hex(idempotencyKey));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const claim = await getJson(kv, key, IdempotencyRecord);
    if (claim !== undefined) return claim.value.goalId;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new CliError(`no coordinator claimed idempotency key "${idempotencyKey}" within ${timeoutMs} ms`, 4);
}
