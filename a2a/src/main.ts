// The A2A gateway service: `node --import tsx a2a/src/main.ts`. Serves Switchyard as an A2A agent for one tenant,
// connected to the bus as that tenant's gateway identity `a2a-<tenant>`.
import { runServiceProcess } from "@switchyard/infra";
import { checkIdentity, loadA2aConfig } from "./config.ts";
import { startA2aGateway } from "./gateway.ts";
import { AGENT_CARD_PATH } from "./protocol.ts";

await runServiceProcess({
  service: "a2a-gateway",
  role: "base",
  start: async ({ bus, buckets, logger }) => {
    // A bad or missing SY_A2A_* variable, or credentials of another tenant's gateway, stop start-up here.
    const config = loadA2aConfig();
    checkIdentity(bus.config.inboxPrefix, config.tenant);
    const gateway = await startA2aGateway({ bus, goals: buckets.goals, config, logger });
    logger.info(
      { event: "a2a.listening", url: gateway.url, port: gateway.port, tenant: config.tenant },
      `A2A agent card at ${gateway.url}${AGENT_CARD_PATH}`,
    );
    return gateway;
  },
});
