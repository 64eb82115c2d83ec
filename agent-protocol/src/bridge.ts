// Switchyard on the NATS agent protocol: a protocol agent whose prompts become goals of one tenant.
import { identity, type Bus, type Logger } from "@switchyard/infra";
import { startAgentHost } from "./agent-host.ts";
import type { BridgeConfig } from "./bridge-config.ts";
import { streamGoal } from "./goal-stream.ts";
import type { AgentAddress } from "./protocol.ts";

/** The protocol `agent` token of every Switchyard bridge (server permissions keep agents from prompting it). */
export const BRIDGE_AGENT = "switchyard";
/** The bridge's version in `$SRV.INFO`. */
const BRIDGE_VERSION = "0.1.0";

/** Where a tenant's bridge is on the protocol: agent `switchyard`, owner the tenant, name the bus prefix. */
export function bridgeAddress(tenant: string, prefix: string): AgentAddress {
  return { agent: BRIDGE_AGENT, owner: tenant, name: prefix };
}

/** Options of {@link startProtocolBridge}. */
export type ProtocolBridgeOptions = {
  /** Connected as the tenant's bridge identity (`bridge-<tenant>`), or on an open bus. */
  bus: Bus;
  config: BridgeConfig;
  logger: Logger;
};

/** A running bridge. */
export type ProtocolBridge = {
  address: AgentAddress;
  /** Its prompt subject, `agents.prompt.switchyard.<tenant>.<prefix>`. */
  promptSubject: string;
  /** Its micro service id (`instance_id` of its heartbeats). */
  instanceId: string;
  /** Stops taking prompts; running streams end saying where their goals stand (the goals go on). */
  stop(): Promise<void>;
};

/** Registers the bridge on the bus as the protocol agent `switchyard/<tenant>/<prefix>`. */
export async function startProtocolBridge(opts: ProtocolBridgeOptions): Promise<ProtocolBridge> {
  const { bus, config } = opts;
  const address = bridgeAddress(config.tenant, bus.names.prefix);
  const logger = opts.logger.child({ tenant: config.tenant });
  const deps = { bus, config, address, answerAs: identity("bridge", config.tenant).name, logger };
  const host = await startAgentHost({
    nc: bus.nc,
    address,
    // The instance name is the deployment, the closest a bridge has to a session.
    session: address.name,
    version: BRIDGE_VERSION,
    description: `Switchyard: each prompt runs as a goal of tenant ${config.tenant} (plan ${config.plan ?? "default"})`,
    heartbeatMs: config.heartbeatMs,
    keepAliveMs: config.keepAliveMs,
    maxInFlight: bus.config.maxInFlight,
    logger,
    onPrompt: (ctx) => streamGoal(deps, ctx),
  });
  return { address, promptSubject: host.subjects.prompt, instanceId: host.instanceId, stop: () => host.stop() };
}
