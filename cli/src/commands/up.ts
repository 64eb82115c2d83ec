import { rmSync } from "node:fs";
import { errorMessage } from "@switchyard/infra";
import { DEFAULT_CONSOLE_PORT } from "../console/console-server.ts";
import { parseArgs } from "node:util";
import { STACK_FILE, writeStackInfo } from "../credentials.ts";
import { natsFlag } from "../next-steps.ts";
import { startStack } from "../stack.ts";
import { untilSignal } from "../until-signal.ts";
import { openConsole } from "./console.ts";

export const UP_USAGE = `switchyard up [--nats <url>] [--insecure] [--no-console]
  Runs the coordinator, the executor and every example agent, each as its own process, until Ctrl-C / SIGTERM.
  Secure by default: every service connects as its own identity with least-privilege permissions. Credentials come
  from $SY_AUTH_DIR, else development credentials generated in .switchyard/auth on first run.
  NATS: --nats (or $NATS_URL): a server that loaded the credentials' nats-auth.conf; otherwise a server started here
  with them (store in .switchyard/nats), on nats://127.0.0.1:4222 if that port is free, else on a free port.
  --insecure     run on an open bus, without credentials (prints a warning; never do this on a shared network)
  --no-console   do not serve the web console (default: on 127.0.0.1:4280, or a free port; its URL is printed)
  Other commands (goal, approvals, trace, …) find the running stack and its credentials by themselves.`;

/**
 * The command that submits a goal to this stack from another terminal: with the `--nats` URL `up` was given (the
 * other terminal may not have the same $NATS_URL).
 */
export function submitHint(natsUrl: string | undefined): string {
  return `pnpm switchyard goal "some text"${natsFlag(natsUrl)}`;
}

/** `switchyard up`. */
export async function upCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      nats: { type: "string" },
      insecure: { type: "boolean", default: false },
      "no-console": { type: "boolean", default: false },
    },
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
  // startStack returned once every service answered /readyz: only now is the stack up.
  log(
    `stack is up on ${stack.natsUrl}${stack.authDir === undefined ? " (open bus)" : ` (credentials: ${stack.authDir})`}; ` +
      `submit a goal with: ${submitHint(url)}   (Ctrl-C stops)`,
  );
  const console_ = values["no-console"] ? undefined : await startUpConsole(stack.natsUrl, log);
  const signal = await untilSignal();
  log(`${signal}: stopping services`);
  await console_?.close();
  await stack.stop();
  rmSync(STACK_FILE, { force: true });
  log("stopped");
  return 0;
}

/**
 * The web console of a stack `up` runs, as the person at this terminal (and the development tenant's backend, to
 * submit goals). The stack runs without it if it cannot start (e.g. no port): that is said, not fatal.
 */
async function startUpConsole(natsUrl: string, log: (line: string) => void) {
  const tenant = process.env["SY_TENANT"] || "default";
  for (const port of [DEFAULT_CONSOLE_PORT, 0]) {
    try {
      const running = await openConsole({ nats: natsUrl, tenant, port });
      log(`console (as ${running.person}, submitting as tenant ${tenant}): ${running.url}`);
      return running;
    } catch (err) {
      if (port === 0 || (err as { code?: string }).code !== "EADDRINUSE")
        log(`the console did not start (${errorMessage(err)}); \`switchyard console\` starts one on its own`);
      if ((err as { code?: string }).code !== "EADDRINUSE") return undefined;
    }
  }
  return undefined;
}
