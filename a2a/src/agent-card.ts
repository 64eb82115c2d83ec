// The gateway's A2A agent card: Switchyard as one agent whose skills are the coordinator's template plans and the
// running specialists, served at `/.well-known/agent-card.json` (spec §8).
import type { AgentCard as SpecialistCard, PublishedTemplates } from "@switchyard/contracts";
import { sha256Hex, SWITCHYARD_VERSION, type Buckets, type Bus, type Logger } from "@switchyard/infra";
import { discoverAgentCards, readTemplates } from "./agent-discovery.ts";
import { A2A_PROTOCOL_VERSION, JSON_RPC_PATH, type AgentCard, type AgentSkill } from "./protocol.ts";

/** How long a card is served before it is built again (templates and agents change rarely). */
export const AGENT_CARD_TTL_MS = 30_000;

/** What the card is built from. */
export type AgentCardInput = {
  /** The URL clients reach the gateway at, without a trailing slash. */
  baseUrl: string;
  tenant: string;
  templates?: PublishedTemplates;
  agents: SpecialistCard[];
  /** The JSON-RPC endpoint needs a bearer token. */
  bearer: boolean;
  defaultPlan?: string;
};

/** A skill per template (its id is the plan name a message's `metadata.plan` names). */
function templateSkills(templates: PublishedTemplates | undefined): AgentSkill[] {
  return Object.entries(templates?.templates ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, { description, plan }]) => ({
      id: name,
      name,
      description:
        `${description || `The template plan ${name}.`} Run it with "plan": "${name}" in the message's metadata; ` +
        `its subtasks: ${plan.subtasks.map((s) => `${s.id} (${s.agent})`).join(", ")}.`,
      tags: ["template", ...new Set(plan.subtasks.map((s) => s.agent))],
      inputModes: ["text/plain", "application/json"],
      outputModes: ["application/json"],
    }));
}

/** A skill per running specialist: a step a template or the LLM planner (`"plan": "llm"`) puts in a plan. */
function agentSkills(agents: SpecialistCard[]): AgentSkill[] {
  return agents.map((a) => ({
    id: `agent.${a.name}`,
    name: a.name,
    description:
      `${a.description} (specialist ${a.name} ${a.version}, ${a.kind === "llm" ? "a budgeted model loop" : "plain code"}; ` +
      'it runs as a step of a plan: a template that uses it, or "plan": "llm".)',
    tags: ["specialist", a.kind, ...a.tools.map((t) => `tool:${t.name}`)],
  }));
}

/** The agent card. */
export function buildAgentCard(input: AgentCardInput): AgentCard {
  const plan =
    input.defaultPlan === undefined ? "the coordinator's default plan runs" : `the plan "${input.defaultPlan}" runs`;
  return {
    name: "Switchyard",
    description:
      `Switchyard, a multi-agent coordinator, for tenant ${input.tenant}. Send a goal in plain words (text parts), ` +
      'its structured input as a data part (a JSON object), and the plan as "plan" in the message\'s metadata ' +
      `(a template skill's id, or "llm"); without one ${plan}. The output comes back as a JSON artifact; a goal ` +
      "that needs an answer asks for input, and a message on the same task answers it.",
    supportedInterfaces: [
      { url: `${input.baseUrl}${JSON_RPC_PATH}`, protocolBinding: "JSONRPC", protocolVersion: A2A_PROTOCOL_VERSION },
    ],
    version: SWITCHYARD_VERSION,
    capabilities: { streaming: true, pushNotifications: false, extendedAgentCard: false },
    ...(input.bearer
      ? {
          securitySchemes: { bearer: { httpAuthSecurityScheme: { scheme: "Bearer" } } },
          securityRequirements: [{ schemes: { bearer: { list: [] } } }],
        }
      : {}),
    defaultInputModes: ["text/plain", "application/json"],
    defaultOutputModes: ["application/json"],
    skills: [...templateSkills(input.templates), ...agentSkills(input.agents)],
  };
}

/** A card with its ETag (a hash of its content, spec §8.6.1). */
export type ServedCard = { card: AgentCard; etag: string };

/** Serves the card, built from the bus at most once per {@link AGENT_CARD_TTL_MS}. */
export type AgentCardSource = { get(): Promise<ServedCard> };

/** Options of {@link createAgentCardSource}. */
export type AgentCardSourceOptions = Omit<AgentCardInput, "templates" | "agents" | "baseUrl"> & {
  /** The gateway's URL, read when the card is built (known once the server listens). */
  baseUrl: () => string;
  bus: Bus;
  goals: Buckets["goals"];
  logger: Logger;
  ttlMs?: number;
};

export function createAgentCardSource(opts: AgentCardSourceOptions): AgentCardSource {
  const ttlMs = opts.ttlMs ?? AGENT_CARD_TTL_MS;
  let cached: { at: number; served: Promise<ServedCard> } | undefined;
  const build = async (): Promise<ServedCard> => {
    const [templates, agents] = await Promise.all([
      readTemplates(opts.bus, opts.goals, opts.logger),
      discoverAgentCards(opts.bus, opts.logger),
    ]);
    const card = buildAgentCard({ ...opts, baseUrl: opts.baseUrl(), templates, agents });
    return { card, etag: `"${sha256Hex(JSON.stringify(card)).slice(0, 32)}"` };
  };
  return {
    get() {
      if (cached === undefined || Date.now() - cached.at > ttlMs) {
        // Concurrent requests share one build; a failed build is not kept.
        const served = build();
        cached = { at: Date.now(), served };
        served.catch(() => {
          if (cached?.served === served) cached = undefined;
        });
      }
      return cached.served;
    },
  };
}
