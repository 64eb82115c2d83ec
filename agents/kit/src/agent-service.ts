import { Svcm, type Service } from "@nats-io/services";
import { inboxRepliesOnly, respondToInbox, type Bus } from "@switchyard/infra";
import type { AgentDefinition } from "./define-agent.ts";

/**
 * Registers the agent as a NATS micro service (`$SRV.PING/INFO/STATS`, `nats micro ls`) whose metadata carries its
 * card, with a `card` endpoint on `<prefix>.agents.<name>.card`: how the coordinator's planner discovers specialists.
 */
export async function registerAgentService(bus: Bus, agent: AgentDefinition): Promise<Service> {
  const { names, config } = bus;
  const service = await new Svcm(inboxRepliesOnly(bus.nc)).add({
    name: agent.name,
    version: agent.version,
    description: agent.description,
    metadata: {
      [names.cardMetadataKey]: JSON.stringify(agent.card),
      sy_prefix: names.prefix,
      sy_instance: config.instance,
    },
  });
  service.addEndpoint("card", {
    subject: names.subjects.agentCard(agent.name),
    handler: (err, msg) => {
      if (err === null) respondToInbox(msg, JSON.stringify(agent.card));
    },
  });
  return service;
}
