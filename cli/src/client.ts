import { connectBus, ensureTopology, errorMessage, loadConfig, type Bus } from "@switchyard/infra";

/** A usage or connection problem the CLI reports in one line, with an exit code. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/**
 * Connects the CLI to the bus, failing fast with a hint when no server answers, and makes sure the streams and
 * buckets exist (idempotent), so a goal submitted before the coordinator's first start is kept, not refused.
 */
export async function connectCli(natsUrl: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<Bus> {
  const config = loadConfig(natsUrl === undefined ? env : { ...env, NATS_URL: natsUrl });
  let bus: Bus;
  try {
    bus = await connectBus({ config, name: "switchyard-cli", connectTimeoutMs: 3_000 });
  } catch (err) {
    throw new CliError(
      `${errorMessage(err)}\nIs the stack running? Start it with \`pnpm switchyard up\`, or pass --nats <url>.`,
    );
  }
  await ensureTopology(bus);
  return bus;
}
