import { Svcm } from "@nats-io/services";
import { AgentCard } from "@switchyard/contracts";
import type { Bus } from "@switchyard/infra";

/** How long a discovered catalog is reused before `$SRV.INFO` is asked again: 5 s. */
export const DEFAULT_CATALOG_TTL_MS = 5_000;
/** How long one discovery waits for `$SRV.INFO` answers at most: 1.5 s (it ends 300 ms after the last answer). */
export const DEFAULT_DISCOVERY_WAIT_MS = 1_500;

/** The specialists the planner may use, one card per agent name. */
export type AgentCatalog = {
  /** The live cards, sorted by name; cached for the catalog's TTL. */
  cards(): Promise<AgentCard[]>;
};

/** Options of {@link createAgentCatalog}. */
export type AgentCatalogOptions = {
  /** Reads the cards from wherever they live (the bus, or a fixed list in tests). */
  fetch: () => Promise<AgentCard[]>;
  /** Default {@link DEFAULT_CATALOG_TTL_MS}. */
  ttlMs?: number;
  /** Milliseconds clock; default `Date.now` (tests pass a fake). */
  now?: () => number;
};

/**
 * A catalog that reuses what `fetch` returned for `ttlMs`: a burst of goals asks the bus once, and an agent that
 * starts or stops is seen within the TTL. Concurrent callers share one fetch; a failed fetch is not cached.
 */
export function createAgentCatalog(opts: AgentCatalogOptions): AgentCatalog {
  const ttlMs = opts.ttlMs ?? DEFAULT_CATALOG_TTL_MS;
  const now = opts.now ?? Date.now;
  let cached: { at: number; cards: Promise<AgentCard[]> } | undefined;
  return {
    cards() {
      if (cached !== undefined && now() - cached.at < ttlMs) return cached.cards;
      const entry = { at: now(), cards: opts.fetch() };
      cached = entry;
      entry.cards.catch(() => {
        if (cached === entry) cached = undefined;
      });
      return entry.cards;
    },
  };
}

/**
 * The cards of the agents running under this bus's prefix, from NATS micro discovery (`$SRV.INFO`): services whose
 * metadata `sy_prefix` is the bus's prefix and whose `sy_card` parses as an AgentCard. Replicas of one agent give
 * one card (the first that answered). Bounded by `waitMs`; a discovery that fails yields no agents.
 */
export async function discoverAgentCards(bus: Bus, waitMs = DEFAULT_DISCOVERY_WAIT_MS): Promise<AgentCard[]> {
  const client = new Svcm(bus.nc).client({ strategy: "stall", stall: 300, maxWait: waitMs });
  const infos = await client.info().catch(() => undefined);
  if (infos === undefined) return [];
  const byName = new Map<string, AgentCard>();
  try {
    for await (const info of infos) {
      const meta = info.metadata ?? {};
      if (meta["sy_prefix"] !== bus.names.prefix) continue;
      const card = parseCard(meta[bus.names.cardMetadataKey]);
      if (card !== undefined && !byName.has(card.name)) byName.set(card.name, card);
    }
  } catch {
    // A discovery cut short (e.g. the connection closing) keeps the answers it got.
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** A catalog of the agents on `bus`, discovered at most once per `ttlMs`. */
export function createBusAgentCatalog(bus: Bus, opts: Omit<AgentCatalogOptions, "fetch"> = {}): AgentCatalog {
  return createAgentCatalog({ ...opts, fetch: () => discoverAgentCards(bus) });
}

function parseCard(raw: string | undefined): AgentCard | undefined {
  if (raw === undefined) return undefined;
  try {
    const card = AgentCard.safeParse(JSON.parse(raw));
    return card.success ? card.data : undefined;
  } catch {
    return undefined;
  }
}
