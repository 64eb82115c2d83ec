import { parseArgs } from "node:util";
import { createLogger } from "@switchyard/infra";
import { CliError, connectCli, type CliSession, type ConnectOptions } from "../client.ts";
import { DEFAULT_CONSOLE_PORT, startConsole, type RunningConsole } from "../console/console-server.ts";
import { untilSignal } from "../until-signal.ts";

export const CONSOLE_USAGE = `switchyard console [--port ${DEFAULT_CONSOLE_PORT}] [--host 127.0.0.1] [--tenant <t>] [--nats <url>] [--as <id>]
  Serves the operator and reviewer console (goals, a goal's DAG and steps live, the review inbox, agents, costs,
  submit) and prints its URL, with an access token, until Ctrl-C / SIGTERM. \`switchyard up\` starts one too.
  --port <n>      port to listen on (default ${DEFAULT_CONSOLE_PORT}; 0: a free one)
  --host <addr>   address to listen on (default 127.0.0.1: this machine only)
  --tenant <t>    also connect as backend-<t> to submit goals from the page (default: no Submit)
  --as <id>       the person who decides and answers (default approver-<your login>); operator: read-only`;

/** Where and as whom a console runs. */
export type ConsoleOptions = ConnectOptions & { tenant?: string; host?: string; port?: number };

/** Connects as the person (and the tenant's backend, if given) and serves the console until `close()`. */
export async function openConsole(opts: ConsoleOptions): Promise<RunningConsole & { person: string }> {
  const session = await connectCli(opts, { role: "approver" });
  let submitter: CliSession | undefined;
  try {
    if (opts.tenant !== undefined)
      submitter = await connectCli({ nats: opts.nats, as: `backend-${opts.tenant}` }, { role: "backend" });
    const running = await startConsole({
      bus: session.bus,
      identity: session.identity,
      submitter: submitter && opts.tenant ? { bus: submitter.bus, tenant: opts.tenant } : undefined,
      logger: createLogger({ service: "console", level: process.env["SY_LOG_LEVEL"] ?? "warn" }),
      host: opts.host,
      port: opts.port,
    });
    return {
      url: running.url,
      person: session.identity.name,
      async close() {
        await running.close();
        await submitter?.bus.close();
        await session.bus.close();
      },
    };
  } catch (err) {
    await submitter?.bus.close();
    await session.bus.close();
    throw err;
  }
}

/** `switchyard console`. */
export async function consoleCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: String(DEFAULT_CONSOLE_PORT) },
      host: { type: "string", default: "127.0.0.1" },
      tenant: { type: "string" },
      nats: { type: "string" },
      as: { type: "string" },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliError("--port must be a port number", 2);
  const running = await openConsole({ ...values, port });
  process.stdout.write(`console for ${running.person}: ${running.url}\n`);
  await untilSignal();
  await running.close();
  return 0;
}
