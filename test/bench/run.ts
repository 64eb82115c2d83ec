// `pnpm bench`: the coordinator benchmarks on one nats-server. Prints figures; a missed target never fails the run.
//   SY_BENCH_ONLY=makespan,dispatch,peer,replicas,memory   run only these (default: all)
//   SY_BENCH_SCALE=0.1                                      scale the goal counts of peer, replicas and memory
import { isReachable, startNatsServer, type NatsServerHandle } from "@switchyard/infra";
import { benchCoordinatorMemory } from "./coordinator-memory.ts";
import { benchDagMakespan, bounded } from "./dag-makespan.ts";
import { benchDispatchOverhead } from "./dispatch-overhead.ts";
import { benchPeerThroughput } from "./peer-throughput.ts";
import { killChildrenNow } from "./process-stack.ts";
import { benchReplicaScaling } from "./replica-scaling.ts";

// The whole run takes under two minutes on 2 cores; past this something is stuck and waiting longer tells nothing.
const WATCHDOG_MS = 330_000;
// After an abort, how long an orderly shutdown may take before the process leaves regardless.
const HARD_EXIT_MS = 20_000;

const BENCHES = ["makespan", "dispatch", "peer", "replicas", "memory"] as const;
type BenchName = (typeof BENCHES)[number];

/** Which benchmarks to run (`SY_BENCH_ONLY`) and how to scale the goal counts (`SY_BENCH_SCALE`). */
function selection(env: NodeJS.ProcessEnv): { runs: (b: BenchName) => boolean; scaled: (n: number) => number } {
  const only = (env["SY_BENCH_ONLY"] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = only.filter((b) => !(BENCHES as readonly string[]).includes(b));
  if (unknown.length > 0)
    throw new Error(`SY_BENCH_ONLY: unknown ${unknown.join(", ")} (known: ${BENCHES.join(", ")})`);
  const scale = Number(env["SY_BENCH_SCALE"] ?? 1);
  if (!(scale > 0 && scale <= 1)) throw new Error(`SY_BENCH_SCALE must be in (0, 1], got ${env["SY_BENCH_SCALE"]}`);
  return {
    runs: (b) => only.length === 0 || only.includes(b),
    scaled: (n) => Math.max(1, Math.round(n * scale)),
  };
}

async function main(): Promise<number> {
  const controller = new AbortController();
  const { signal } = controller;
  let server: NatsServerHandle | undefined;
  let abortCode = 1;

  const hardExit = (message: string, code: number) => {
    console.error(`bench: ${message}; exiting`);
    // SIGKILL is sent synchronously, so neither the service processes nor the nats-server we started outlive us.
    killChildrenNow();
    void server?.kill().catch(() => undefined);
    process.exit(code);
  };
  // Aborting rejects every pending wait, so the run unwinds through its `finally` blocks and shuts down in order.
  const giveUp = (reason: string, code: number) => {
    if (signal.aborted) return hardExit(`${reason} again`, code);
    abortCode = code;
    controller.abort(new Error(reason));
    setTimeout(() => hardExit(`no clean shutdown within ${HARD_EXIT_MS} ms`, code), HARD_EXIT_MS).unref();
  };
  const watchdog = setTimeout(() => giveUp(`did not finish within ${WATCHDOG_MS} ms`, 1), WATCHDOG_MS);
  const onSignal = (name: NodeJS.Signals) => giveUp(`interrupted by ${name}`, 130);
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    const { runs, scaled } = selection(process.env);
    // NATS_URL, when set, is used as is (streams are deleted afterwards); else a local nats-server on a free port.
    server = await startNatsServer();
    console.log(`bench: nats-server ${server.kind === "external" ? "from NATS_URL" : `(${server.kind}) started`}`);
    if (runs("makespan")) {
      const dag = await benchDagMakespan(server, { signal });
      dag.lines.forEach((l) => console.log(l));
    }
    if (runs("dispatch")) {
      const dispatch = await benchDispatchOverhead(server, { signal });
      dispatch.lines.forEach((l) => console.log(l));
    }
    if (runs("peer")) {
      // The peer, BullMQ, needs a Redis: $REDIS_URL or the local one.
      const redisUrl = process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379";
      const redis = new URL(redisUrl);
      if (await isReachable(redis.hostname, Number(redis.port || 6379))) {
        const peer = await benchPeerThroughput(server, {
          signal,
          redisUrl,
          goals: scaled(2_000),
          fanOutGoals: scaled(500),
        });
        peer.lines.forEach((l) => console.log(l));
      } else {
        console.log(`throughput_vs_queue: skipped (no Redis at ${redisUrl} for the BullMQ peer)`);
      }
    }
    if (runs("replicas")) {
      const replicas = await benchReplicaScaling(server, { signal, goals: scaled(600) });
      replicas.lines.forEach((l) => console.log(l));
    }
    if (runs("memory")) {
      const memory = await benchCoordinatorMemory(server, { signal, low: scaled(1_000), high: scaled(20_000) });
      memory.lines.forEach((l) => console.log(l));
    }
    return 0;
  } catch (err) {
    if (signal.aborted) {
      console.error(`bench stopped: ${signal.reason instanceof Error ? signal.reason.message : String(signal.reason)}`);
      return abortCode;
    }
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  } finally {
    clearTimeout(watchdog);
    if (server !== undefined) await bounded("stopping nats-server", server.stop(), 10_000);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

const code = await main();
process.exitCode = code;
// Everything is closed by now; should a library keep a handle open anyway, do not hang the shell.
setTimeout(() => process.exit(code), 2_000).unref();
