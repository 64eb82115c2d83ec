// The stack the language examples talk to: a nats-server with authorization on and, in this process, a coordinator
// and the two agents of the `demo` plan. A backend in another language gets only what a real one gets: the server's
// URL, the nkey seed file and inbox prefix of identity `backend-acme`, and the subject prefix.
import { serveAgent, type ServedAgent } from "@switchyard/agent-kit";
import { keywordsAgent } from "@switchyard/agent-keywords";
import { reportAgent } from "@switchyard/agent-report";
import { createCoordinator, type Coordinator } from "@switchyard/coordinator";
import { createLogger, type Bus } from "@switchyard/infra";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import { connectTestBus, credentialsOf, startTestNats, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";

/** The tenant whose backend identity the examples connect as. */
export const EXAMPLE_TENANT = "acme";

export type ExampleStack = {
  server: NatsServerHandle;
  prefix: string;
  /** Every event and result on the bus, as an admin sees them. */
  log: EventLog;
  /** What a backend process of tenant acme needs: NATS_URL, NATS_NKEY, NATS_INBOX_PREFIX and SY_PREFIX. */
  backendEnv: Record<string, string>;
  stop(): Promise<void>;
};

export async function startExampleStack(): Promise<ExampleStack> {
  const server = await startTestNats();
  const prefix = uniquePrefix();
  let bus: Bus | undefined;
  let coordinator: Coordinator | undefined;
  const agents: ServedAgent[] = [];
  let log: EventLog | undefined;
  const stop = async () => {
    log?.stop();
    await Promise.all(agents.map((a) => a.stop()));
    await coordinator?.stop();
    await bus?.close();
    await server.stop();
  };
  try {
    const connected = await connectTestBus(server, prefix);
    bus = connected.bus;
    log = collectEvents(bus.nc, bus.names);
    const logger = createLogger({ service: "test", level: "silent" });
    coordinator = await createCoordinator({ bus, buckets: connected.buckets, logger });
    for (const agent of [keywordsAgent, reportAgent]) {
      agents.push(await serveAgent({ agent, bus, buckets: connected.buckets, logger }));
    }
    const backendEnv = {
      NATS_URL: server.url,
      SY_PREFIX: prefix,
      ...credentialsOf(server, `backend-${EXAMPLE_TENANT}`),
    };
    return { server, prefix, log, backendEnv, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
