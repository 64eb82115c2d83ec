// The eval runner's way onto a stack: submit each case's goal as its tenant's backend, wait for the result, read the
// goal's events as the operator (what `trace` believes), and time it.
import { type StepEvent } from "@switchyard/contracts";
import type { GoalDriver, Observation } from "@switchyard/evals";
import { readStoredJson, type Bus } from "@switchyard/infra";
import { CliError, connectCli, type ConnectOptions } from "../client.ts";
import { submitGoal } from "../commands/goal.ts";
import { believedEvents, publishedEvents } from "../history/published-event.ts";
import { waitForGoalResult } from "../wait-for-result.ts";

/** How long the events of a finished goal may trail its result (they are published by several services). */
const EVENTS_SETTLE_MS = 10_000;

/**
 * How long a goal that paused (needs_approval, needs_input) is watched for going on by itself: an approval policy may
 * approve a proposal just after the goal paused for it, and the goal then resumes and finishes.
 */
const PAUSE_SETTLE_MS = 2_500;

/** The goal's result once it ended, or paused and stayed paused for {@link PAUSE_SETTLE_MS}. */
async function settledResult(bus: Bus, ref: { goalId: string; tenant: string }, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let result = await waitForGoalResult(bus, ref, timeoutMs);
  const paused = (status: string) =>
    status === "needs_approval" || status === "needs_input" || status === "needs_review";
  for (let pauses = 1; paused(result.status); pauses++) {
    const wait = Math.min(PAUSE_SETTLE_MS, Math.max(0, deadline - Date.now()));
    try {
      result = await waitForGoalResult(bus, ref, wait, { pausesSeen: pauses });
    } catch (err) {
      if (err instanceof CliError && err.exitCode === 4) return result; // still paused: that is its outcome
      throw err;
    }
  }
  return result;
}

/** A driver with the connections it opened, closed by `close()`. */
export type BusGoalDriver = GoalDriver & { close(): Promise<void> };

/** The goal's believed events, once its end and every reported subtask's end are among them (bounded wait). */
async function settledEvents(bus: Bus, goalId: string, subtaskIds: readonly string[]): Promise<StepEvent[]> {
  const deadline = Date.now() + EVENTS_SETTLE_MS;
  for (;;) {
    const stored = await readStoredJson(bus, bus.names.streams.events, bus.names.subjects.goalEvents(goalId));
    const { events } = believedEvents(publishedEvents(stored.values, stored.subjects));
    const ended = events.some((e) => e.type === "goal.finished" || e.type === "goal.paused");
    const finished = new Set(events.flatMap((e) => (e.type === "subtask.finished" ? [e.subtaskId] : [])));
    if ((ended && subtaskIds.every((id) => finished.has(id))) || Date.now() > deadline) return events;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A driver over the bus `opts` and `env` reach, with the CLI's credentials resolution. */
export function busGoalDriver(opts: ConnectOptions, env: NodeJS.ProcessEnv = process.env): BusGoalDriver {
  const backends = new Map<string, Promise<Bus>>();
  let operator: Promise<Bus> | undefined;
  const backend = (tenant: string) => {
    let bus = backends.get(tenant);
    if (bus === undefined) {
      bus = connectCli({ nats: opts.nats }, { role: "backend", tenant }, env).then((s) => s.bus);
      backends.set(tenant, bus);
    }
    return bus;
  };
  return {
    async run(goal, { timeoutMs }): Promise<Observation> {
      const bus = await backend(goal.tenant);
      const started = Date.now();
      await submitGoal(bus, goal);
      const result = await settledResult(bus, { goalId: goal.id, tenant: goal.tenant }, timeoutMs);
      const wallMs = Date.now() - started;
      operator ??= connectCli({ nats: opts.nats, as: opts.as }, { role: "operator" }, env).then((s) => s.bus);
      const events = await settledEvents(
        await operator,
        goal.id,
        result.subtasks.map((s) => s.subtaskId),
      );
      return { goalId: goal.id, result, events, wallMs };
    },
    async close() {
      const all = [...backends.values(), ...(operator === undefined ? [] : [operator])];
      await Promise.all(all.map(async (b) => (await b.catch(() => undefined))?.close()));
    },
  };
}
