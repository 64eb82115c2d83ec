// The agent side of the protocol on one NATS connection: the micro service `agents` with its `prompt` and `status`
// endpoints (§3, §8.7), the heartbeat (§8), and a response stream per prompt that always ends with the terminator.
import type { NatsConnection } from "@nats-io/nats-core";
import { Svcm, type ServiceMsg } from "@nats-io/services";
import { errorMessage, inboxRepliesOnly, type Logger } from "@switchyard/infra";
import { formatByteSize } from "./byte-size.ts";
import { decodeEnvelope, type RequestEnvelope } from "./envelope.ts";
import { AgentProtocolError } from "./errors.ts";
import { heartbeatPayload, startHeartbeats, type HeartbeatSource } from "./heartbeat.ts";
import {
  agentSubjects,
  ENDPOINT,
  PROTOCOL_QUEUE_GROUP,
  PROTOCOL_SERVICE,
  PROTOCOL_VERSION,
  type AgentAddress,
  type AgentSubjects,
} from "./protocol.ts";
import { openReplyStream, refuseRequest, type ReplyStream } from "./reply-stream.ts";

/** What a prompt handler gets: the request, the stream to answer on, and a signal that fires when the host stops. */
export type PromptContext = { envelope: RequestEnvelope; reply: ReplyStream; signal: AbortSignal };

/** Default heartbeat cadence: 30 s (§8.2). */
export const DEFAULT_HEARTBEAT_MS = 30_000;
/** Default keep-alive cadence of a quiet stream: 30 s, half the callers' usual 60 s inactivity timeout (§6.6). */
export const DEFAULT_KEEP_ALIVE_MS = 30_000;
/** Default number of prompts handled at once; one more is refused with 429. */
export const DEFAULT_MAX_IN_FLIGHT = 16;
/** How long `stop` waits for running prompts to end their streams: 10 s. */
const STOP_GRACE_MS = 10_000;

/** Options of {@link startAgentHost}. */
export type AgentHostOptions = {
  nc: NatsConnection;
  address: AgentAddress;
  /** `metadata.session` and the heartbeat's `session` (§3.2); unset for a session-less agent. */
  session?: string;
  /** The harness's own version (`$SRV.INFO` `version`). */
  version: string;
  description: string;
  /** Extra service metadata (kept by tools that relay it, §3.2). */
  metadata?: Record<string, string>;
  /** Default {@link DEFAULT_HEARTBEAT_MS}. */
  heartbeatMs?: number;
  /** Default {@link DEFAULT_KEEP_ALIVE_MS}. */
  keepAliveMs?: number;
  /** Default {@link DEFAULT_MAX_IN_FLIGHT}. */
  maxInFlight?: number;
  logger: Logger;
  /** Answers one prompt on `reply`; the host ends the stream when it returns, and turns a throw into a 500. */
  onPrompt(ctx: PromptContext): Promise<void>;
};

/** A running protocol agent. */
export type AgentHost = {
  /** The micro service id: `instance_id` in heartbeats. */
  instanceId: string;
  subjects: AgentSubjects;
  /** Stops answering, ends running prompts (their handlers see the signal) and stops the heartbeat. */
  stop(): Promise<void>;
};

/** Registers the service, its endpoints and the heartbeat; returns once discovery finds it. */
export async function startAgentHost(opts: AgentHostOptions): Promise<AgentHost> {
  const { nc, address, logger } = opts;
  const subjects = agentSubjects(address);
  const maxInFlight = opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  const service = await new Svcm(inboxRepliesOnly(nc)).add({
    name: PROTOCOL_SERVICE,
    version: opts.version,
    description: opts.description,
    metadata: {
      ...opts.metadata,
      agent: address.agent,
      owner: address.owner,
      ...(opts.session === undefined ? {} : { session: opts.session }),
      protocol_version: PROTOCOL_VERSION,
    },
  });
  const source: HeartbeatSource = {
    address,
    instanceId: service.info().id,
    session: opts.session,
    intervalMs: opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
  };
  const running = new Map<Promise<void>, AbortController>();

  const handlePrompt = async (msg: ServiceMsg): Promise<void> => {
    // A prompt published without a reply subject has no one to answer: running it would be work for nobody.
    if (msg.reply === undefined || msg.reply === "") {
      logger.info({ event: "protocol.prompt_refused", reason: "no reply subject" }, "prompt without a reply subject");
      return;
    }
    let envelope: RequestEnvelope;
    try {
      envelope = decodeEnvelope(msg.data);
    } catch (err) {
      logger.info({ event: "protocol.prompt_refused", reason: errorMessage(err) }, "bad prompt refused");
      return refuseRequest(msg, 400, errorMessage(err));
    }
    if ((envelope.attachments?.length ?? 0) > 0) {
      return refuseRequest(msg, 400, "attachments are not accepted (attachments_ok is false): put the text in prompt");
    }
    if (running.size >= maxInFlight) {
      return refuseRequest(msg, 429, `busy: ${running.size} prompts in flight; try again later`);
    }
    const reply = openReplyStream(msg, { keepAliveMs: opts.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS });
    const controller = new AbortController();
    const work = (async () => {
      try {
        await opts.onPrompt({ envelope, reply, signal: controller.signal });
      } catch (err) {
        const callers = err instanceof AgentProtocolError && err.fault === "caller";
        if (callers) logger.info({ event: "protocol.prompt_refused", reason: errorMessage(err) }, "bad prompt refused");
        else logger.error({ event: "protocol.prompt_failed", err: errorMessage(err) }, "prompt failed");
        reply.fail(callers ? 400 : 500, errorMessage(err));
      } finally {
        reply.end();
      }
    })();
    running.set(work, controller);
    await work;
    running.delete(work);
  };

  service.addEndpoint(ENDPOINT.prompt, {
    subject: subjects.prompt,
    queue: PROTOCOL_QUEUE_GROUP,
    metadata: {
      max_payload: formatByteSize(nc.info?.max_payload ?? 1024 * 1024),
      // Goals carry text: files have nowhere to go, so callers must not send them (§5.4).
      attachments_ok: "false",
    },
    handler: (err, msg) => {
      if (err !== null) logger.warn({ event: "protocol.endpoint_error", err: errorMessage(err) }, "prompt endpoint");
      else void handlePrompt(msg);
    },
  });
  service.addEndpoint(ENDPOINT.status, {
    subject: subjects.status,
    queue: PROTOCOL_QUEUE_GROUP,
    handler: (err, msg) => {
      if (err !== null) return;
      try {
        msg.respond(JSON.stringify(heartbeatPayload(source)));
      } catch (e) {
        // A single reply, not a stream (§8.7.1): the error alone, best-effort like every answer.
        const description = `status: ${errorMessage(e)}`.replace(/[\r\n]+/g, " ").slice(0, 200);
        try {
          msg.respondError(500, description);
        } catch {
          // The connection is going away.
        }
      }
    },
  });
  const heartbeats = startHeartbeats(nc, subjects.heartbeat, source);
  logger.info(
    { event: "protocol.registered", prompt: subjects.prompt, instanceId: source.instanceId },
    `protocol agent on ${subjects.prompt}`,
  );

  return {
    instanceId: source.instanceId,
    subjects,
    async stop() {
      heartbeats.stop();
      await service.stop().catch(() => undefined);
      for (const controller of running.values()) controller.abort(new Error("the agent is stopping"));
      const grace = new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref());
      await Promise.race([Promise.allSettled(running.keys()), grace]);
    },
  };
}
