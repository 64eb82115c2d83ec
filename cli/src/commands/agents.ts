import { parseArgs } from "node:util";
import { Svcm, type ServiceInfo } from "@nats-io/services";
import { errors } from "@nats-io/transport-node";
import { AgentCard } from "@switchyard/contracts";
import type { Bus } from "@switchyard/infra";
import { connectCli } from "../client.ts";
import { renderAgents } from "../render.ts";

export const AGENTS_USAGE = `switchyard agents [--json] [--nats <url>]
  Lists the running specialists from NATS micro-service discovery ($SRV.INFO).
  --json   print a JSON array of agent cards`;

/**
 * Every service's `$SRV.INFO` reply within the wait. A bus with no services at all answers "no responders" (while
 * the replies are read, not when asked): that is an empty list, not an error.
 */
async function serviceInfos(client: ReturnType<Svcm["client"]>): Promise<ServiceInfo[]> {
  const infos: ServiceInfo[] = [];
  try {
    for await (const info of await client.info()) infos.push(info);
  } catch (err) {
    if (!(err instanceof errors.NoRespondersError)) throw err;
  }
  return infos;
}

/** The cards of the running agents under this bus's prefix, one per agent name, with their replica count. */
export async function discoverAgents(bus: Bus, waitMs = 1_500): Promise<Array<{ card: AgentCard; instances: number }>> {
  // A fixed wait (not "stall"): every replica that answers within it is counted, even a slow one.
  const client = new Svcm(bus.nc).client({ strategy: "timer", maxWait: waitMs });
  const byName = new Map<string, { card: AgentCard; instances: number }>();
  for (const info of await serviceInfos(client)) {
    const meta = info.metadata ?? {};
    if (meta["sy_prefix"] !== bus.names.prefix) continue;
    const rawCard = meta[bus.names.cardMetadataKey];
    if (rawCard === undefined) continue;
    let json: unknown;
    try {
      json = JSON.parse(rawCard);
    } catch {
      continue;
    }
    const card = AgentCard.safeParse(json);
    if (!card.success) continue;
    const seen = byName.get(card.data.name);
    if (seen === undefined) byName.set(card.data.name, { card: card.data, instances: 1 });
    else seen.instances++;
  }
  return [...byName.values()].sort((a, b) => a.card.name.localeCompare(b.card.name));
}

/** `switchyard agents`. */
export async function agentsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: "boolean", default: false }, nats: { type: "string" }, as: { type: "string" } },
  });
  const { bus } = await connectCli(values, { role: "operator" });
  try {
    const agents = await discoverAgents(bus);
    process.stdout.write(
      values.json ? `${JSON.stringify(agents.map((a) => a.card))}\n` : `${renderAgents(agents, bus.names.prefix)}\n`,
    );
    return 0;
  } finally {
    await bus.close();
  }
}
