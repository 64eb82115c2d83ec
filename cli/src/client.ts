import { existsSync } from "node:fs";
import {
  connectBus,
  credentialsEnv,
  errorMessage,
  hasCredentials,
  loadConfig,
  type Bus,
  type Identity,
} from "@switchyard/infra";
import { DEV_AUTH_DIR, readStackInfo, resolveIdentity, type DefaultIdentity } from "./credentials.ts";

/** A usage or connection problem the CLI reports in one line, with an exit code. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/** Options every command that talks to the bus takes. */
export type ConnectOptions = {
  /** `--nats`: the server URL. Default `$NATS_URL`, else the stack `switchyard up` runs, else 127.0.0.1:4222. */
  nats?: string;
  /** `--as`: the identity to act as. Default `$SY_IDENTITY`, else the command's own default. */
  as?: string;
};

/** The bus, connected as an identity. */
export type CliSession = { bus: Bus; identity: Identity };

/**
 * The environment that connects as `identity`: explicit NATS credentials in the environment win; otherwise the
 * identity's seed in `$SY_AUTH_DIR`, the running stack's credentials directory, or the development one.
 */
function credentialsFor(identity: Identity, env: NodeJS.ProcessEnv): Record<string, string> {
  const stack = readStackInfo();
  if (env["NATS_NKEY"] || env["NATS_CREDS"] || env["NATS_TOKEN"] || env["NATS_USER"]) return {};
  if (stack?.insecure === true && !env["SY_AUTH_DIR"]) return { SY_INSECURE: "true" };
  const dir = env["SY_AUTH_DIR"] || stack?.authDir || (existsSync(DEV_AUTH_DIR) ? DEV_AUTH_DIR : undefined);
  if (dir === undefined) return {};
  try {
    return credentialsEnv(dir, identity.name);
  } catch (err) {
    throw new CliError(errorMessage(err), 1);
  }
}

/**
 * Connects the CLI to the bus as an identity (`--as`, `$SY_IDENTITY`, or `fallback`), failing fast with a hint when
 * no server answers or the server refuses the credentials. The CLI never sets up streams: the coordinator does.
 */
export async function connectCli(
  opts: ConnectOptions,
  fallback: DefaultIdentity,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CliSession> {
  let identity: Identity;
  try {
    identity = resolveIdentity(opts.as, fallback, env);
  } catch (err) {
    throw new CliError(`--as: ${errorMessage(err)}`, 2);
  }
  const natsUrl = opts.nats ?? (env["NATS_URL"] || undefined) ?? readStackInfo()?.natsUrl;
  const config = loadConfig({
    ...env,
    ...(natsUrl === undefined ? {} : { NATS_URL: natsUrl }),
    ...credentialsFor(identity, env),
  });
  if (!hasCredentials(config) && config.insecure) {
    process.stderr.write("switchyard: warning: no credentials (SY_INSECURE): this only works on an open bus\n");
  }
  try {
    const bus = await connectBus({ config, name: `switchyard-cli/${identity.name}`, connectTimeoutMs: 3_000 });
    return { bus, identity };
  } catch (err) {
    throw new CliError(
      `${errorMessage(err)}\nIs the stack running? Start it with \`pnpm switchyard up\`, or pass --nats <url> ` +
        "(and --as <identity> with SY_AUTH_DIR for another deployment's credentials).",
    );
  }
}

/** The tenant a backend identity stands for; a usage error for other identities. */
export function tenantOf(session: CliSession, what: string): string {
  if (session.identity.role !== "backend") {
    throw new CliError(`${what} is done by a backend identity (backend-<tenant>), not ${session.identity.name}`, 2);
  }
  return session.identity.of;
}
