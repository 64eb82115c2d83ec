import { PlanChoice, TenantId, UserName } from "@switchyard/contracts";
import { z } from "zod";
import { AgentProtocolError } from "./errors.ts";

const seconds = (fallback: number) =>
  z.coerce.number().positive("must be a positive number of seconds").default(fallback);

/** The bridge's environment (besides what every Switchyard process reads: NATS_URL, NATS_NKEY, SY_PREFIX, …). */
export const BridgeEnv = z.object({
  SY_BRIDGE_TENANT: TenantId.default("default"),
  SY_BRIDGE_USER: UserName.default("agent-protocol"),
  SY_BRIDGE_PLAN: PlanChoice.optional(),
  SY_BRIDGE_HEARTBEAT_S: seconds(30),
  SY_BRIDGE_KEEPALIVE_S: seconds(30),
  SY_BRIDGE_QUERY_TIMEOUT_S: seconds(300),
  SY_BRIDGE_MAX_STREAM_S: seconds(900),
});

/** How the bridge turns prompts into goals and paces its streams. */
export type BridgeConfig = {
  /** The tenant every goal belongs to; also the protocol `owner`. */
  tenant: string;
  /** The user goals are attributed to (quotas, costs). */
  user: string;
  /** The plan of every goal; unset: the coordinator's default. */
  plan?: string;
  heartbeatMs: number;
  keepAliveMs: number;
  /** How long a mid-stream query waits for the caller's answer before the stream ends with the goal still waiting. */
  queryTimeoutMs: number;
  /** How long one stream follows its goal at most; then it ends, saying where the goal stands. */
  maxStreamMs: number;
};

/** Reads the bridge's configuration; a bad value throws naming the variable and the rule. */
export function loadBridgeConfig(env: NodeJS.ProcessEnv = process.env): BridgeConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = BridgeEnv.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join(".")}=${JSON.stringify(present[String(i.path[0])] ?? "")}: ${i.message}`,
    );
    throw new AgentProtocolError(
      "SY_ERR_PROTOCOL_CONFIG",
      "caller",
      `invalid bridge configuration: ${problems.join("; ")}`,
    );
  }
  const e = parsed.data;
  return {
    tenant: e.SY_BRIDGE_TENANT,
    user: e.SY_BRIDGE_USER,
    plan: e.SY_BRIDGE_PLAN,
    heartbeatMs: e.SY_BRIDGE_HEARTBEAT_S * 1_000,
    keepAliveMs: e.SY_BRIDGE_KEEPALIVE_S * 1_000,
    queryTimeoutMs: e.SY_BRIDGE_QUERY_TIMEOUT_S * 1_000,
    maxStreamMs: e.SY_BRIDGE_MAX_STREAM_S * 1_000,
  };
}
