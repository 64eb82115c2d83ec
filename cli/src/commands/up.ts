import { rmSync } from "node:fs";
import { parseArgs } from "node:util";
import { STACK_FILE, writeStackInfo } from "../credentials.ts";
import { startStack } from "../stack.ts";

export const UP_USAGE = `switchyard up [--nats <url>] [--insecure]
  Runs the coordinator, the executor and every example agent, each as its own process, until Ctrl-C / SIGTERM.
  Secure by default: every service connects as its own identity with least-privilege permissions. Credentials come
  from $SY_AUTH_DIR, else development credentials generated in .switchyard/auth on first run.
  NATS: --nats (or $NATS_URL): a server that loaded the credentials' nats-auth.conf; otherwise a server started here
  with them (store in .switchyard/nats), on nats://127.0.0.1:4222 if that port is free, else on a free port.
  --insecure   run on an open bus, without credentials (prints a warning; never do this on a shared network)
  Other commands (goal, approvals, trace, …) find the running stack and its credentials by themselves.`;

/** Resolves when SIGINT or SIGTERM arrives. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off("SIGINT", on);
      process.off("SIGTERM", on);
      resolve(signal);
    };
    process.on("SIGINT", on);
    process.on("SIGTERM", on);
  });
}

/** `switchyard up`. */
export async function upCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { nats: { type: "string" }, insecure: { type: "boolean", default: false } },
  });
  const url = values.nats ?? (process.env["NATS_URL"] || undefined);
  const log = (line: string) => process.stderr.write(`switchyard: ${line}\n`);
  const stack = await startStack({
    nats: url === undefined ? { kind: "local" } : { kind: "url", url },
    output: { kind: "prefixed", out: process.stdout },
    log,
    insecure: values.insecure,
  });
  writeStackInfo({
    natsUrl: stack.natsUrl,
    authDir: stack.authDir,
    prefix: process.env["SY_PREFIX"] || "sy",
    insecure: values.insecure,
    pid: process.pid,
  });
  log(
    `stack is up on ${stack.natsUrl}${stack.authDir === undefined ? " (open bus)" : ` (credentials: ${stack.authDir})`}; ` +
      `submit a goal with: pnpm switchyard goal "some text"   (Ctrl-C stops)`,
  );
  const signal = await untilSignal();
  log(`${signal}: stopping services`);
  await stack.stop();
  rmSync(STACK_FILE, { force: true });
  log("stopped");
  return 0;
}
