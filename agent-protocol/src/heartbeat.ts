// The liveness beacon (§8): a heartbeat on `agents.hb.<agent>.<owner>.<name>` every `interval_s`, and the same payload
// as the `status` endpoint's reply (§8.7).
import type { NatsConnection } from "@nats-io/nats-core";
import { z } from "zod";
import type { AgentAddress } from "./protocol.ts";

/** The heartbeat payload (§8.3). Receivers tolerate unknown fields. */
export const HeartbeatPayload = z.looseObject({
  agent: z.string().min(1),
  owner: z.string().min(1),
  session: z.string().min(1).optional(),
  instance_id: z.string().min(1),
  ts: z.iso.datetime({ offset: true }),
  interval_s: z.number().positive(),
});
export type HeartbeatPayload = z.infer<typeof HeartbeatPayload>;

/** What goes into every heartbeat of one instance. */
export type HeartbeatSource = {
  address: AgentAddress;
  /** The micro service id of the instance (`$SRV.INFO` `id`). */
  instanceId: string;
  /** Present when the agent advertises `metadata.session`. */
  session?: string;
  intervalMs: number;
};

/** A freshly stamped heartbeat payload. */
export function heartbeatPayload(source: HeartbeatSource, now = new Date()): HeartbeatPayload {
  return {
    agent: source.address.agent,
    owner: source.address.owner,
    ...(source.session === undefined ? {} : { session: source.session }),
    instance_id: source.instanceId,
    ts: now.toISOString(),
    interval_s: source.intervalMs / 1_000,
  };
}

/**
 * Publishes a heartbeat on `subject` now (registration is done, so discovery already finds the instance, §8.2) and
 * then every `intervalMs`, until `stop`. A publish that fails (a connection closing) is skipped, not thrown.
 */
export function startHeartbeats(nc: NatsConnection, subject: string, source: HeartbeatSource): { stop(): void } {
  const beat = () => {
    try {
      nc.publish(subject, JSON.stringify(heartbeatPayload(source)));
    } catch {
      // The next beat tries again; a closed connection ends the process anyway.
    }
  };
  beat();
  const timer = setInterval(beat, source.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
