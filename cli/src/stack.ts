import { join } from "node:path";
import { connect } from "@nats-io/transport-node";
import {
  AUTH_CONF_FILE,
  credentialsEnv,
  DEFAULT_NATS_URL,
  freePort,
  isReachable,
  startNatsServer,
  dockerAvailable,
  findNatsServerBinary,
  type NatsServerHandle,
} from "@switchyard/infra";
import { DEV_AUTH_DIR, ensureDevCredentials } from "./credentials.ts";
import { ensureNatsServerBinary } from "./nats-download.ts";
import { superviseServices, type OutputMode, type Supervisor } from "./supervisor.ts";
import { WORKSPACE_ROOT, workspaceServices, type ServiceEntry } from "./workspace.ts";

/** Where the stack's NATS comes from. */
export type NatsChoice =
  /** Use this URL (from `--nats` or `NATS_URL`): a server configured with the credentials' `nats-auth.conf`. */
  | { kind: "url"; url: string }
  /** Start a server with a store dir in `.switchyard/`, on the default port if it is free, else on a free port. */
  | { kind: "local" }
  /** Start a private server on a free port with a temporary store dir. */
  | { kind: "private" };

/** A running local stack: NATS (maybe started by us) and every service as a child process. */
export type Stack = {
  natsUrl: string;
  /** The credentials directory the stack's identities come from (absent on an open bus). */
  authDir?: string;
  /** Environment that reaches this stack's NATS (for more processes or a client). */
  env: Record<string, string>;
  startedNats: boolean;
  supervisor: Supervisor;
  stop(): Promise<void>;
};

/** True when the server at `url` lets a client in without credentials: an open bus. */
export async function acceptsAnonymous(url: string): Promise<boolean> {
  try {
    const nc = await connect({ servers: url, timeout: 2_000, maxReconnectAttempts: 0 });
    await nc.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Which nats-server binary to run: one on PATH or in the usual places, else none when Docker can run one, else the
 * pinned release, downloaded once into the user's cache.
 */
async function natsServerEnv(log: (line: string) => void): Promise<Record<string, string>> {
  const binary = findNatsServerBinary(process.env);
  if (binary !== undefined) return { NATS_SERVER_BIN: binary };
  if (dockerAvailable()) return {};
  log("no nats-server on this machine and no Docker: fetching the official release once");
  return { NATS_SERVER_BIN: await ensureNatsServerBinary({ log }) };
}

async function startLocal(kind: "local" | "private", configFile: string | undefined, log: (line: string) => void) {
  const env = await natsServerEnv(log);
  if (kind === "private") return startNatsServer({ env, configFile });
  const { port: defaultPort } = new URL(DEFAULT_NATS_URL);
  const port = (await isReachable("127.0.0.1", Number(defaultPort))) ? await freePort() : Number(defaultPort);
  const storeDir = join(WORKSPACE_ROOT, ".switchyard", "nats");
  log(`starting nats-server on nats://127.0.0.1:${port} (store: ${storeDir})`);
  return startNatsServer({
    env,
    port,
    storeDir,
    logFile: join(WORKSPACE_ROOT, ".switchyard", "nats-server.log"),
    configFile,
  });
}

/**
 * Starts NATS (per `nats`) and the coordinator, the executor and every example agent as separate processes. Secure by
 * default: each service connects as its own identity from a credentials directory (`$SY_AUTH_DIR`, else development
 * credentials generated in `.switchyard/auth` on first run), and a server started here loads their permissions.
 * `insecure` runs an open bus instead, with a warning.
 */
export async function startStack(opts: {
  nats: NatsChoice;
  output: OutputMode;
  log: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  insecure?: boolean;
  /** Changes the services before they start (the eval runner starts agents that answer from recordings). */
  services?: (services: ServiceEntry[]) => ServiceEntry[];
}): Promise<Stack> {
  const base = opts.env ?? process.env;
  const prefix = base["SY_PREFIX"] || "sy";
  const insecure = opts.insecure === true;
  const authDir = insecure ? undefined : base["SY_AUTH_DIR"] || DEV_AUTH_DIR;
  if (authDir !== undefined && authDir === DEV_AUTH_DIR) {
    const { created } = ensureDevCredentials(authDir, prefix, base);
    if (created.length > 0) opts.log(`generated development credentials in ${authDir} (${created.length} identities)`);
  }
  if (insecure) {
    opts.log("WARNING: --insecure: the bus is open; any client on it can forge results, approve actions and pay");
  }
  let nats: NatsServerHandle | undefined;
  let natsUrl: string;
  if (opts.nats.kind === "url") {
    natsUrl = opts.nats.url;
    if (!insecure && (await acceptsAnonymous(natsUrl))) {
      throw new Error(
        `the NATS server at ${natsUrl} accepts clients without credentials (an open bus): load the nats-auth.conf of ` +
          `${authDir ?? "the credentials"} into it (\`switchyard auth init\`), or run with --insecure`,
      );
    }
  } else {
    nats = await startLocal(
      opts.nats.kind,
      authDir === undefined ? undefined : join(authDir, AUTH_CONF_FILE),
      opts.log,
    );
    natsUrl = nats.url;
  }
  const access: Record<string, string> = authDir === undefined ? { SY_INSECURE: "true" } : { SY_AUTH_DIR: authDir };
  const credentialed = workspaceServices().map((svc) => ({
    ...svc,
    env: authDir === undefined ? {} : credentialsEnv(authDir, svc.name),
  }));
  const services = opts.services?.(credentialed) ?? credentialed;
  // The repo's approval policy (refunds up to 50 USD approve themselves) unless the caller chose one.
  const policies = base["SY_APPROVAL_POLICIES_FILE"] ?? join(WORKSPACE_ROOT, "deploy", "approval-policies.json");
  const env = { ...base, SY_APPROVAL_POLICIES_FILE: policies, NATS_URL: natsUrl, ...access };
  const supervisor = superviseServices({ services, env, cwd: WORKSPACE_ROOT, output: opts.output, onEvent: opts.log });
  // The coordinator creates the streams: a goal submitted before it is ready would find no stream.
  try {
    await supervisor.ready();
  } catch (err) {
    await supervisor.stop();
    await nats?.stop();
    throw err;
  }
  return {
    natsUrl,
    authDir,
    env: { NATS_URL: natsUrl, ...access },
    startedNats: nats !== undefined,
    supervisor,
    async stop() {
      await supervisor.stop();
      await nats?.stop();
    },
  };
}
