// The running specialists and the offered templates, read over the bus as `switchyard agents` and the console do:
// agent cards from NATS micro-service discovery (`$SRV.INFO`), templates from KV `catalog.templates`.
import { AgentCard, PublishedTemplates } from "@switchyard/contracts";
import { errorMessage, getJson, type Buckets, type Bus, type Logger } from "@switchyard/infra";
import { z } from "zod";

/** The part of a `$SRV.INFO` reply discovery reads (NATS micro protocol, `io.nats.micro.v1.info_response`). */
const ServiceInfo = z.object({ metadata: z.record(z.string(), z.string()).nullish() });

/**
 * The cards of the agents that answer `$SRV.INFO` within `waitMs` under this bus's prefix, one per agent name,
 * sorted by name. A bus where no service runs is an empty list; replies that are not agent cards are skipped.
 */
export async function discoverAgentCards(bus: Bus, logger: Logger, waitMs = 1_000): Promise<AgentCard[]> {
  const byName = new Map<string, AgentCard>();
  try {
    // A fixed wait (not "first reply"): every agent that answers within it is listed.
    const replies = await bus.nc.requestMany("$SRV.INFO", "", { strategy: "timer", maxWait: waitMs });
    for await (const reply of replies) {
      let raw: unknown;
      try {
        raw = reply.json();
      } catch {
        continue;
      }
      const metadata = ServiceInfo.safeParse(raw).data?.metadata ?? {};
      const rawCard = metadata[bus.names.cardMetadataKey];
      if (metadata["sy_prefix"] !== bus.names.prefix || rawCard === undefined) continue;
      let json: unknown;
      try {
        json = JSON.parse(rawCard);
      } catch {
        continue;
      }
      const card = AgentCard.safeParse(json);
      if (card.success) byName.set(card.data.name, card.data);
    }
  } catch (err) {
    // No service at all answers "no responders": no agents, not an error.
    if (!/no responders/i.test(errorMessage(err))) {
      logger.warn({ event: "a2a.discovery_failed", err: errorMessage(err) }, "agent discovery failed");
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The template plans the coordinator published; `undefined` when it has published none (not started yet). */
export async function readTemplates(
  bus: Bus,
  kv: Buckets["goals"],
  logger: Logger,
): Promise<PublishedTemplates | undefined> {
  try {
    return (await getJson(kv, bus.names.keys.templates, PublishedTemplates))?.value;
  } catch (err) {
    logger.warn({ event: "a2a.templates_unreadable", err: errorMessage(err) }, "cannot read the published templates");
    return undefined;
  }
}
