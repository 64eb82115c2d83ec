import { Svcm, type Service } from "@nats-io/services";
import {
  addWorkEndpoint,
  inboxRepliesOnly,
  respondToInbox,
  workStatsHandler,
  type Bus,
  type WorkStats,
} from "@switchyard/infra";
import type { AgentDefinition } from "./define-agent.ts";

/**
 * Registers the agent as the NATS micro service `<prefix>-<name>` (`$SRV.PING/INFO/STATS`, `nats micro ls`) whose
 * metadata carries its card, with a `card` endpoint on `<prefix>.agents.<name>.card`: how the coordinator's planner
 * discovers specialists. Its `subtasks` endpoint reports in `$SRV.STATS` (`data`) the subtasks counted in `work`:
 * they come from JetStream, not through the endpoint.
 */
export async function registerAgentService(bus: Bus, agent: AgentDefinition, work: WorkStats): Promise<Service> {
  const { names, config } = bus;
  const subtasks = names.subjects.agentSubtasks(agent.name);
  const service = await new Svcm(inboxRepliesOnly(bus.nc)).add({
    name: names.services.agent(agent.name),
    version: agent.version,
    description: agent.description,
    metadata: {
      [names.cardMetadataKey]: JSON.stringify(agent.card),
      sy_prefix: names.prefix,
      sy_instance: config.instance,
    },
    statsHandler: workStatsHandler(subtasks, work),
  });
  service.addEndpoint("card", {
    subject: names.subjects.agentCard(agent.name),
    handler: (err, msg) => {
      if (err === null) respondToInbox(msg, JSON.stringify(agent.card));
    },
  });
  addWorkEndpoint(service, "subtasks", subtasks, work);
  return service;
}
