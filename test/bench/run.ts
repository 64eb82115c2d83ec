// `pnpm bench`: both coordinator benchmarks on one nats-server. Prints figures; a missed target never fails the run.
import { isReachable, startNatsServer, type NatsServerHandle } from "@switchyard/infra";
import { benchDagMakespan, bounded } from "./dag-makespan.ts";
import { benchDispatchOverhead } from "./dispatch-overhead.ts";
import { benchPeerThroughput } from "./peer-throughput.ts";

// The whole run normally takes under a minute; past this something is stuck and waiting longer tells nothing.
const WATCHDOG_MS = 240_000;
// After an abort, how long an orderly shutdown may take before the process leaves regardless.
const HARD_EXIT_MS = 20_000;

async function main(): Promise<number> {
  const controller = new AbortController();
  const { signal } = controller;
  let server: NatsServerHandle | undefined;
  let abortCode = 1;

  const hardExit = (message: string, code: number) => {
    console.error(`bench: ${message}; exiting`);
    // SIGKILL is sent synchronously, so the nats-server we started does not outlive us.
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
    // NATS_URL, when set, is used as is (streams are deleted afterwards); else a local nats-server on a free port.
    server = await startNatsServer();
    console.log(`bench: nats-server ${server.kind === "external" ? "from NATS_URL" : `(${server.kind}) started`}`);
    const dag = await benchDagMakespan(server, { signal });
    dag.lines.forEach((l) => console.log(l));
    const dispatch = await benchDispatchOverhead(server, { signal });
    dispatch.lines.forEach((l) => console.log(l));
    // The peer, BullMQ, needs a Redis: $REDIS_URL or the local one.
    const redisUrl = process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379";
    const redis = new URL(redisUrl);
    if (await isReachable(redis.hostname, Number(redis.port || 6379))) {
      const peer = await benchPeerThroughput(server, { signal, redisUrl });
      peer.lines.forEach((l) => console.log(l));
    } else {
      console.log(`throughput_vs_queue: skipped (no Redis at ${redisUrl} for the BullMQ peer)`);
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
