// Finding protocol agents (§4): every instance of the micro service `agents` answers `$SRV.INFO.agents` with its
// metadata and endpoints; callers take the prompt subject from the record, never build it.
import { errors, type NatsConnection } from "@nats-io/nats-core";
import { z } from "zod";
import { parseByteSize } from "./byte-size.ts";
import { ENDPOINT, PROTOCOL_SERVICE } from "./protocol.ts";

/** One instance, as its discovery record describes it. */
export type DiscoveredAgent = {
  instanceId: string;
  agent: string;
  owner: string;
  session?: string;
  /** The instance name: the 5th token of the prompt subject. */
  name: string;
  protocolVersion: string;
  promptSubject: string;
  /** `max_payload` of the prompt endpoint, in bytes, when it declares a valid one. */
  maxPayloadBytes?: number;
  attachmentsOk?: boolean;
};

// A discovery record, as far as this package reads it; anything else in it is kept by whoever relays it.
const ServiceInfo = z.looseObject({
  name: z.literal(PROTOCOL_SERVICE),
  id: z.string().min(1),
  metadata: z.looseObject({ agent: z.string().min(1), owner: z.string().min(1), protocol_version: z.string() }),
  endpoints: z.array(
    z.looseObject({
      name: z.string(),
      subject: z.string().min(1),
      metadata: z.record(z.string(), z.string()).nullish(),
    }),
  ),
});

/** The agent a record describes, or `undefined` for a record that is not a protocol agent's (§4.3). */
export function agentFromInfo(raw: unknown): DiscoveredAgent | undefined {
  const info = ServiceInfo.safeParse(raw);
  if (!info.success) return undefined;
  const prompt = info.data.endpoints.find((e) => e.name === ENDPOINT.prompt);
  if (prompt === undefined) return undefined;
  const meta = info.data.metadata;
  const endpointMeta = prompt.metadata ?? {};
  const session = typeof meta["session"] === "string" && meta["session"] !== "" ? meta["session"] : undefined;
  const maxPayload = endpointMeta["max_payload"];
  const attachmentsOk = endpointMeta["attachments_ok"];
  return {
    instanceId: info.data.id,
    agent: meta.agent,
    owner: meta.owner,
    ...(session === undefined ? {} : { session }),
    name: prompt.subject.split(".")[4] ?? "",
    protocolVersion: meta.protocol_version,
    promptSubject: prompt.subject,
    ...(maxPayload === undefined ? {} : { maxPayloadBytes: parseByteSize(maxPayload) }),
    ...(attachmentsOk === "true" || attachmentsOk === "false" ? { attachmentsOk: attachmentsOk === "true" } : {}),
  };
}

/** How long a discovery waits for answers: up to 2 s, ending 300 ms after the last one. */
export const DEFAULT_DISCOVERY_WAIT_MS = 2_000;

/**
 * Every protocol agent that answers `$SRV.INFO.agents` within `waitMs`. Records that are not a protocol agent's (or
 * not JSON) are skipped; no agent at all is an empty list.
 */
export async function discoverProtocolAgents(
  nc: NatsConnection,
  waitMs = DEFAULT_DISCOVERY_WAIT_MS,
): Promise<DiscoveredAgent[]> {
  const found: DiscoveredAgent[] = [];
  try {
    const replies = await nc.requestMany(`$SRV.INFO.${PROTOCOL_SERVICE}`, "", {
      strategy: "stall",
      stall: 300,
      maxWait: waitMs,
    });
    for await (const msg of replies) {
      let raw: unknown;
      try {
        raw = msg.json();
      } catch {
        continue;
      }
      const agent = agentFromInfo(raw);
      if (agent !== undefined) found.push(agent);
    }
  } catch (err) {
    if (!(err instanceof errors.NoRespondersError)) throw err;
  }
  return found;
}
