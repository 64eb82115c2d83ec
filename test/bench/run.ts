// `pnpm bench`: both coordinator benchmarks on one nats-server. Prints figures; a missed target never fails the run.
import { startNatsServer, type NatsServerHandle } from "@switchyard/infra";
import { benchDagMakespan, bounded } from "./dag-makespan.ts";
import { benchDispatchOverhead } from "./dispatch-overhead.ts";

// The whole run normally takes well under 30 s; past this something is stuck and waiting longer tells nothing.
const WATCHDOG_MS = 90_000;

async function main(): Promise<number> {
  const controller = new AbortController();
  const { signal } = controller;
  const watchdog = setTimeout(
    () => controller.abort(new Error(`bench did not finish within ${WATCHDOG_MS} ms`)),
    WATCHDOG_MS,
  );
  const onSignal = (name: NodeJS.Signals) => controller.abort(new Error(`interrupted by ${name}`));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  let server: NatsServerHandle | undefined;
  try {
    // NATS_URL, when set, is used as is; otherwise a local nats-server on a free port with a throw-away store.
    server = await startNatsServer();
    console.log(`bench: nats-server (${server.kind}), ${server.kind === "external" ? "NATS_URL" : "local binary"}`);
    const dag = await benchDagMakespan(server, { signal });
    dag.lines.forEach((l) => console.log(l));
    const dispatch = await benchDispatchOverhead(server, { signal });
    dispatch.lines.forEach((l) => console.log(l));
    return 0;
  } catch (err) {
    const reason = signal.aborted && signal.reason instanceof Error ? signal.reason : err;
    console.error(`bench failed: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
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
