import { join } from "node:path";
import { DEFAULT_NATS_URL, isReachable, startNatsServer, type NatsServerHandle } from "@switchyard/infra";
import { superviseServices, type OutputMode, type Supervisor } from "./supervisor.ts";
import { WORKSPACE_ROOT, workspaceServices } from "./workspace.ts";

/** Where the stack's NATS comes from. */
export type NatsChoice =
  /** Use this URL (from `--nats` or `NATS_URL`). */
  | { kind: "url"; url: string }
  /** Use a server on the default port if one answers, else start one there with a store dir in `.switchyard/`. */
  | { kind: "default-or-local" }
  /** Start a private server on a free port with a temporary store dir. */
  | { kind: "private" };

/** A running local stack: NATS (maybe started by us) and every service as a child process. */
export type Stack = {
  natsUrl: string;
  /** Environment that reaches this stack's NATS (for more processes or a client). */
  env: Record<string, string>;
  startedNats: boolean;
  supervisor: Supervisor;
  stop(): Promise<void>;
};

async function obtainNats(
  choice: NatsChoice,
  log: (line: string) => void,
): Promise<NatsServerHandle | { url: string; env: Record<string, string> }> {
  if (choice.kind === "url") return { url: choice.url, env: { NATS_URL: choice.url } };
  if (choice.kind === "private") return startNatsServer({ env: {} });
  const { hostname, port } = new URL(DEFAULT_NATS_URL);
  if (await isReachable(hostname, Number(port))) {
    log(`using the nats-server already listening on ${DEFAULT_NATS_URL}`);
    return { url: DEFAULT_NATS_URL, env: { NATS_URL: DEFAULT_NATS_URL } };
  }
  const storeDir = join(WORKSPACE_ROOT, ".switchyard", "nats");
  log(`starting nats-server on ${DEFAULT_NATS_URL} (store: ${storeDir})`);
  return startNatsServer({
    env: {},
    port: Number(port),
    storeDir,
    logFile: join(WORKSPACE_ROOT, ".switchyard", "nats-server.log"),
  });
}

/** Starts NATS (per `nats`) and the coordinator and every example agent as separate processes. */
export async function startStack(opts: {
  nats: NatsChoice;
  output: OutputMode;
  log: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}): Promise<Stack> {
  const nats = await obtainNats(opts.nats, opts.log);
  const started = "stop" in nats;
  const base = opts.env ?? process.env;
  // The repo's approval policy (refunds up to 50 USD approve themselves) unless the caller chose one.
  const policies = base["SY_APPROVAL_POLICIES_FILE"] ?? join(WORKSPACE_ROOT, "deploy", "approval-policies.json");
  const env = { ...base, SY_APPROVAL_POLICIES_FILE: policies, ...nats.env };
  const supervisor = superviseServices({
    services: workspaceServices(),
    env,
    cwd: WORKSPACE_ROOT,
    output: opts.output,
    onEvent: opts.log,
  });
  return {
    natsUrl: nats.url,
    env: nats.env,
    startedNats: started,
    supervisor,
    async stop() {
      await supervisor.stop();
      if (started) await nats.stop();
    },
  };
}
