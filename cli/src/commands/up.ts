import { parseArgs } from "node:util";
import { startStack } from "../stack.ts";

export const UP_USAGE = `switchyard up [--nats <url>]
  Runs the coordinator and every example agent, each as its own process, until Ctrl-C / SIGTERM.
  NATS: --nats, else $NATS_URL, else a server already on nats://127.0.0.1:4222, else one started there
  (store in .switchyard/nats).`;

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
  const { values } = parseArgs({ args: argv, options: { nats: { type: "string" } } });
  const url = values.nats ?? (process.env["NATS_URL"] || undefined);
  const log = (line: string) => process.stderr.write(`switchyard: ${line}\n`);
  const stack = await startStack({
    nats: url === undefined ? { kind: "default-or-local" } : { kind: "url", url },
    output: { kind: "prefixed", out: process.stdout },
    log,
  });
  log(`stack is up on ${stack.natsUrl}; submit a goal with: pnpm switchyard goal "some text"   (Ctrl-C stops)`);
  const signal = await untilSignal();
  log(`${signal}: stopping services`);
  await stack.stop();
  log("stopped");
  return 0;
}
