// An agent reachable through the NATS agent protocol, as a Switchyard specialist: the subtask's prompt goes to it, its
// response chunks come back as the output, and the subtask's budget is enforced from outside — at the deadline the
// reply subscription is dropped and the subtask ends `limit_time`, whatever the agent does.
import type { NatsConnection } from "@nats-io/nats-core";
import { defineAgent, type HandlerAgentDefinition } from "@switchyard/agent-kit";
import type { Budget } from "@switchyard/contracts";
import { connectBus, loadConfig } from "@switchyard/infra";
import { z } from "zod";
import { DEFAULT_DISCOVERY_WAIT_MS, discoverProtocolAgents } from "./discovery.ts";
import { AgentProtocolError } from "./errors.ts";
import { callProtocolAgent } from "./prompt-call.ts";
import { PROTOCOL_VERSION } from "./protocol.ts";

/** Which protocol agent to call: a prompt subject as it is, or an agent found by `$SRV.INFO.agents` (§4.2). */
export type ProtocolTarget =
  { subject: string; maxPayloadBytes?: number } | { agent: string; owner?: string; name?: string };

/** The input of a wrapped protocol agent. */
export const ProtocolAgentInput = z.object({
  prompt: z.string().min(1).describe("What to ask the protocol agent, in words."),
});
/** The output of a wrapped protocol agent. */
export const ProtocolAgentOutput = z.object({
  text: z.string().describe("Its answer: the text of its response chunks, in order."),
  subject: z.string().describe("The prompt subject it was reached on."),
});

/** Options of {@link protocolAgent}. */
export type ProtocolAgentOptions = {
  /** The Switchyard agent name (`tasks.<name>`). On an authorized bus it may prompt only agents of the same token. */
  name: string;
  /** What the planner reads to decide when to use it. */
  description: string;
  /** Default `"1.0.0"`. */
  version?: string;
  target: ProtocolTarget;
  /** The connection to call on; default: one opened at the first subtask from the process's environment. */
  nats?: NatsConnection | (() => Promise<NatsConnection>);
  /** A stream silent this long fails the subtask; default 60 s (§6.6). */
  inactivityMs?: number;
  /** How long a discovery waits for answers; default {@link DEFAULT_DISCOVERY_WAIT_MS}. */
  discoveryWaitMs?: number;
  /** The specialist's hard limits; default the kit's handler budget (60 s wall time). */
  budget?: Budget;
};

/** The connection getter: the given one, or one opened once (as the process's own identity) on first use. */
function connectionOf(opts: ProtocolAgentOptions): () => Promise<NatsConnection> {
  const given = opts.nats;
  if (typeof given === "function") return given;
  if (given !== undefined) return () => Promise.resolve(given);
  let opened: Promise<NatsConnection> | undefined;
  return () => {
    opened ??= connectBus({ config: loadConfig(), name: `agent-${opts.name}/protocol` }).then((bus) => bus.nc);
    return opened;
  };
}

/** Same MAJOR.MINOR: the 0.x line may break between minors (§11.2). */
const compatible = (version: string) => version.split(".").slice(0, 2).join(".") === PROTOCOL_VERSION;

async function resolveTarget(
  nc: NatsConnection,
  target: ProtocolTarget,
  waitMs: number,
): Promise<{ subject: string; maxPayloadBytes?: number }> {
  if ("subject" in target) return target;
  const matching = (await discoverProtocolAgents(nc, waitMs)).filter(
    (a) =>
      a.agent === target.agent &&
      (target.owner === undefined || a.owner === target.owner) &&
      (target.name === undefined || a.name === target.name),
  );
  const usable = matching.find((a) => compatible(a.protocolVersion));
  if (usable === undefined) {
    const wanted = [target.agent, target.owner ?? "*", target.name ?? "*"].join("/");
    const versions = matching.map((a) => a.protocolVersion).join(", ");
    throw new AgentProtocolError(
      "SY_ERR_PROTOCOL_NO_AGENT",
      "third_party",
      matching.length === 0
        ? `no protocol agent ${wanted} answered $SRV.INFO.agents`
        : `protocol agent ${wanted} speaks protocol ${versions}, not ${PROTOCOL_VERSION}`,
    );
  }
  return { subject: usable.promptSubject, maxPayloadBytes: usable.maxPayloadBytes };
}

/**
 * A Switchyard specialist that delegates to an agent reachable through the NATS agent protocol. Serve it like any
 * agent (`runAgent(protocolAgent({...}))`). A subtask sends `input.prompt`, waits for the terminator and answers
 * `{ text, subject }`. The subtask's wall time bounds the call (`limit_time`, the stream abandoned); a silent stream
 * fails after `inactivityMs`; an error response fails the subtask with the agent's code and description.
 */
export function protocolAgent(
  opts: ProtocolAgentOptions,
): HandlerAgentDefinition<typeof ProtocolAgentInput, typeof ProtocolAgentOutput> {
  const connection = connectionOf(opts);
  return defineAgent({
    name: opts.name,
    version: opts.version ?? "1.0.0",
    description: opts.description,
    input: ProtocolAgentInput,
    output: ProtocolAgentOutput,
    ...(opts.budget === undefined ? {} : { budget: opts.budget }),
    handler: async ({ prompt }, ctx) => {
      const nc = await connection();
      const target = await resolveTarget(nc, opts.target, opts.discoveryWaitMs ?? DEFAULT_DISCOVERY_WAIT_MS);
      ctx.logger.info({ event: "protocol.call", subject: target.subject }, `prompting ${target.subject}`);
      const answer = await callProtocolAgent({
        nc,
        subject: target.subject,
        prompt,
        signal: ctx.signal,
        inactivityMs: opts.inactivityMs,
        maxPayloadBytes: target.maxPayloadBytes,
      });
      return { text: answer.text, subject: target.subject };
    },
  });
}
