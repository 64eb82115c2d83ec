// A stack for the A2A gateway's tests: a real nats-server with authorization, an in-process coordinator and agents
// each on its own identity, and the gateway as its own process (its `main.ts`) on a free port, as `a2a-acme`.
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { serveAgent, type AgentDefinition, type ServedAgent } from "@switchyard/agent-kit";
import { GoalRecord } from "@switchyard/contracts";
import { createCoordinator, loadTemplateCatalog, type Coordinator } from "@switchyard/coordinator";
import {
  AUTH_CONF_FILE,
  createLogger,
  freePort,
  getJson,
  identity,
  initAuthDir,
  startNatsServer,
  type Bus,
} from "@switchyard/infra";
import { connectTestBus, createTestAuthDir, startTestNats, testEnv, type NatsServerHandle } from "../fixtures/nats.ts";
import { ROOT, startProcess, type ServiceProcess } from "../fixtures/processes.ts";

export const GATEWAY_ENTRY = resolve(ROOT, "a2a/src/main.ts");
const logger = createLogger({ service: "test", level: "silent" });

/**
 * A test nats-server (as `startTestNats` starts one) whose credentials also hold the A2A gateway identity of `tenant`
 * (the shared fixtures' set has none). With NATS_URL set it is that server, an open bus.
 */
export async function startNatsWithGateway(tenant: string): Promise<NatsServerHandle> {
  if (process.env["NATS_URL"]) return startTestNats();
  const authDir = createTestAuthDir();
  initAuthDir({ dir: authDir, identities: [identity("a2a", tenant)] });
  const server = await startNatsServer({ configFile: join(authDir, AUTH_CONF_FILE) });
  if (!server.configured) {
    rmSync(authDir, { recursive: true, force: true });
    return Object.assign(server, { env: { ...server.env, SY_INSECURE: "true" } });
  }
  const stop = server.stop.bind(server);
  return Object.assign(server, {
    authDir,
    env: { ...server.env, SY_AUTH_DIR: authDir },
    async stop() {
      await stop();
      rmSync(authDir, { recursive: true, force: true });
    },
  });
}

/** The coordinator and agents of a test, each connected as its own identity. */
export type A2aStack = {
  coordinator: Coordinator;
  agents: ServedAgent[];
  /** A goal's record, as the coordinator keeps it. */
  goalRecord(goalId: string): Promise<GoalRecord | undefined>;
  stop(): Promise<void>;
};

/** Starts the coordinator (fixture templates over the built-in ones) and serves `agents`. */
export async function startStack(
  server: NatsServerHandle,
  prefix: string,
  agents: AgentDefinition[],
): Promise<A2aStack> {
  const buses: Bus[] = [];
  const own = await connectTestBus(server, prefix, {}, "coordinator");
  buses.push(own.bus);
  const templates = loadTemplateCatalog(resolve(ROOT, "test/fixtures/templates.json"));
  const coordinator = await createCoordinator({ bus: own.bus, buckets: own.buckets, logger, templates });
  const served: ServedAgent[] = [];
  for (const agent of agents) {
    const { bus, buckets } = await connectTestBus(server, prefix, {}, `agent-${agent.name}`);
    buses.push(bus);
    served.push(await serveAgent({ agent, bus, buckets, logger }));
  }
  return {
    coordinator,
    agents: served,
    goalRecord: async (goalId) =>
      (await getJson(own.buckets.goals, own.bus.names.keys.goal(goalId), GoalRecord))?.value,
    async stop() {
      for (const a of served) await a.stop();
      await coordinator.stop();
      for (const b of buses) await b.close();
    },
  };
}

/** The gateway as a process for tenant `acme`, and the URL it serves. */
export async function startGateway(
  server: NatsServerHandle,
  prefix: string,
  extraEnv: Record<string, string> = {},
): Promise<{ process: ServiceProcess; url: string }> {
  const port = await freePort();
  const env = testEnv(
    server,
    prefix,
    { SY_A2A_TENANT: "acme", SY_A2A_PORT: String(port), SY_A2A_WAIT_MS: "60000", ...extraEnv },
    server.authDir === undefined ? undefined : "a2a-acme",
  );
  const gateway = startProcess("a2a-gateway", GATEWAY_ENTRY, env);
  const listening = await gateway.waitForLog((l) => l.event === "a2a.listening", 60_000);
  return { process: gateway, url: String(listening["url"]) };
}
