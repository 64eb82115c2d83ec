// A mid-stream query (§7): the agent asks its caller a question inside the open response stream and waits for one
// reply on a fresh subject; the stream stays open (keep-alives go on) while it waits.
import { nuid, type NatsConnection } from "@nats-io/nats-core";
import { decodeEnvelope } from "./envelope.ts";
import type { AgentAddress } from "./protocol.ts";
import type { ReplyStream } from "./reply-stream.ts";

/** How a query ended: the caller's answer, or why there is none. */
export type QueryOutcome = { answered: true; text: string } | { answered: false; reason: "timeout" | "stopped" };

/**
 * A fresh reply subject for a query of the agent at `address`: `_INBOX.agents.<agent>.<owner>.<name>.<unique>`. The
 * `_INBOX.agents.` root is the protocol SDKs' own for such replies; the address in it lets a deployment grant each
 * caller the replies to its own agents' queries only.
 */
export function queryReplySubject(address: AgentAddress): string {
  return `_INBOX.agents.${address.agent}.${address.owner}.${address.name}.${nuid.next()}`;
}

/** Options of {@link askCaller}. */
export type AskCallerOptions = {
  replySubject: string;
  question: string;
  timeoutMs: number;
  /** Stops waiting (the agent is stopping). */
  signal: AbortSignal;
};

/**
 * Sends a `query` chunk on `reply` and waits for the caller's one reply (plain text or a `{"prompt": …}` envelope,
 * §7.2). Subscribes before asking, so a quick answer is not missed. A reply that is not a valid envelope throws an
 * `AgentProtocolError` (`SY_ERR_PROTOCOL_BAD_REQUEST`) naming the problem.
 */
export async function askCaller(nc: NatsConnection, reply: ReplyStream, opts: AskCallerOptions): Promise<QueryOutcome> {
  const sub = nc.subscribe(opts.replySubject, { max: 1 });
  try {
    await nc.flush();
    reply.query(nuid.next(), opts.replySubject, opts.question);
    let timer: NodeJS.Timeout | undefined;
    let onAbort = () => {};
    const gaveUp = new Promise<QueryOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ answered: false, reason: "timeout" }), opts.timeoutMs);
      onAbort = () => resolve({ answered: false, reason: "stopped" });
      if (opts.signal.aborted) onAbort();
      else opts.signal.addEventListener("abort", onAbort, { once: true });
    });
    const answered = (async (): Promise<QueryOutcome> => {
      for await (const msg of sub) return { answered: true, text: decodeEnvelope(msg.data, "query reply").prompt };
      return { answered: false, reason: "stopped" };
    })();
    try {
      return await Promise.race([answered, gaveUp]);
    } finally {
      clearTimeout(timer);
      opts.signal.removeEventListener("abort", onAbort);
      answered.catch(() => undefined);
    }
  } finally {
    sub.unsubscribe();
  }
}
