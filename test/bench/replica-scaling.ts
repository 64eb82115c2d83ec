// Replica scaling: how goals/s grow when more agent replicas (separate processes) serve one agent whose handler takes
// a while (a simulated 50 ms model call), with one coordinator process and the same number of goals in flight.
import type { TemplatePlan } from "@switchyard/coordinator";
import type { NatsServerHandle } from "@switchyard/infra";
import { sleeper } from "./bench-agents.ts";
import { perSecond } from "./dag-makespan.ts";
import { startProcessStack } from "./process-stack.ts";

const PLAN_NAME = "sleep-one";
const TIMEOUT_MS = 60_000;

/** Options of {@link benchReplicaScaling}. */
export type ReplicaScalingOptions = {
  signal: AbortSignal;
  /** Measured goals per replica count; default 600. */
  goals?: number;
  /** Goals in flight at once; default 64. */
  concurrency?: number;
  /** The handler's simulated latency; default 50 ms. */
  sleepMs?: number;
  /** Replica counts measured in turn (replicas are added, never removed, so ascending); default 1, 2, 4. */
  replicas?: number[];
};

/** Figures of one scaling run; `lines` is what to print. */
export type ReplicaScalingReport = { rates: Map<number, number>; lines: string[] };

/**
 * Runs `goals` one-subtask goals whose `sleeper` handler waits `sleepMs`, `concurrency` in flight, with 1 agent
 * replica process, then 2, then 4 (same coordinator process; each replica at the default `SY_MAX_IN_FLIGHT`), and
 * compares goals/s with 4 replicas to goals/s with 1.
 */
export async function benchReplicaScaling(
  server: NatsServerHandle,
  options: ReplicaScalingOptions,
): Promise<ReplicaScalingReport> {
  const { signal } = options;
  const goals = options.goals ?? 600;
  const concurrency = options.concurrency ?? 64;
  const sleepMs = options.sleepMs ?? 50;
  const counts = [...(options.replicas ?? [1, 2, 4])].sort((a, b) => a - b);
  const first = counts[0] ?? 1;
  const last = counts.at(-1) ?? first;
  const plan: TemplatePlan = {
    description: `Benchmark: one sleeper subtask of ${sleepMs} ms.`,
    subtasks: [{ id: "only", agent: sleeper.name, input: { sleepMs }, dependsOn: [] }],
    output: "only",
  };
  const stack = await startProcessStack(server, {
    templates: { [PLAN_NAME]: plan },
    agent: "sleeper",
    replicas: first,
    signal,
  });
  try {
    const run = async () => {
      const { result } = await stack.runGoal(PLAN_NAME, TIMEOUT_MS);
      if (result.status !== "ok") throw new Error(`goal ${result.goalId} ended ${result.status}`);
    };
    const rates = new Map<number, number>();
    for (const n of counts) {
      await stack.addReplicas(n - stack.replicas());
      // New replica processes are cold (JIT, connections, first fetches): one round of goals first, unmeasured.
      await perSecond(Math.min(goals, concurrency * 2), concurrency, signal, run);
      rates.set(n, await perSecond(goals, concurrency, signal, run));
    }
    const rate = (n: number) => rates.get(n) ?? Number.NaN;
    const f = (n: number) => n.toFixed(0);
    const others = counts
      .slice(1)
      .map((n) => `${n}: ${f(rate(n))}`)
      .join(", ");
    const perReplica = stack.agentMaxInFlight;
    return {
      rates,
      lines: [
        `replicas_${first}_to_${last}=${(rate(last) / rate(first)).toFixed(3)}  (${first} replica: ` +
          `${f(rate(first))} goals/s${others === "" ? "" : `, ${others}`}; ${sleepMs} ms handler; target >= 3)`,
        `replicas: ${goals} one-subtask goals per count, ${concurrency} in flight, one coordinator process; each ` +
          `replica a process running up to ${perReplica} subtasks at once (SY_MAX_IN_FLIGHT default), so at most ` +
          `${counts.map((n) => f((Math.min(concurrency, n * perReplica) * 1000) / sleepMs)).join(" / ")} goals/s ` +
          `for ${counts.join(" / ")} replicas if dispatch were free`,
      ],
    };
  } finally {
    await stack.stop();
  }
}
