// The caller's end of a prompt (§5–§6, §9): send the envelope, read chunks until the terminator, and never wait
// longer than the caller's signal allows or the stream stays silent.
import { errors, type Msg, type NatsConnection, type QueuedIterator } from "@nats-io/nats-core";
import { errorMessage } from "@switchyard/infra";
import { decodeChunk } from "./chunks.ts";
import { encodeEnvelope } from "./envelope.ts";
import { AgentProtocolError } from "./errors.ts";
import { ERROR_HEADERS } from "./protocol.ts";

/** Default per-stream inactivity timeout: 60 s since the last message (§6.6). */
export const DEFAULT_INACTIVITY_MS = 60_000;
/** The longest a call waits for its terminator when its signal sets no end: 1 hour. */
const MAX_CALL_MS = 3_600_000;

/** Options of {@link callProtocolAgent}. */
export type ProtocolCallOptions = {
  nc: NatsConnection;
  /** The prompt endpoint's subject, from discovery (§4.3). */
  subject: string;
  prompt: string;
  /** Ends the call (the subtask's deadline, a cancellation): the reply subscription is dropped (§6.7). */
  signal: AbortSignal;
  /** Default {@link DEFAULT_INACTIVITY_MS}. */
  inactivityMs?: number;
  /** The endpoint's `max_payload`, checked before sending (§5.4). */
  maxPayloadBytes?: number;
};

/** What a protocol agent answered. */
export type ProtocolCallResult = {
  /** The `response` chunks' texts, concatenated in order (§6.3). */
  text: string;
  /** How many `response` chunks it sent. */
  responses: number;
};

function serviceError(msg: Msg, subject: string): AgentProtocolError | undefined {
  const code = msg.headers?.get(ERROR_HEADERS.code);
  if (code === undefined || code === "") return undefined;
  let description = msg.headers?.get(ERROR_HEADERS.description) ?? "";
  try {
    // A JSON body may say more (§9.1); the header is the fallback.
    const body = msg.json<{ message?: unknown }>();
    if (typeof body.message === "string" && body.message !== "") description = body.message;
  } catch {
    // No body, or not JSON: the header says it.
  }
  return new AgentProtocolError(
    "SY_ERR_PROTOCOL_SERVICE_ERROR",
    "third_party",
    `the protocol agent at ${subject} answered ${code}: ${description || "(no description)"}`,
    { serviceCode: Number(code) },
  );
}

/** Throws the signal's own reason: the kit tells a deadline from a cancellation by it. */
function rethrowAbort(signal: AbortSignal): never {
  signal.throwIfAborted();
  throw new Error("aborted");
}

/** The next message of `replies`, or why there is none: the stream went silent, or the signal fired. */
async function nextMessage(
  replies: AsyncIterator<Msg>,
  inactivityMs: number,
  signal: AbortSignal,
): Promise<IteratorResult<Msg> | "silent" | "aborted"> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort = () => {};
  const stopped = new Promise<"silent" | "aborted">((resolve) => {
    timer = setTimeout(() => resolve("silent"), inactivityMs);
    onAbort = () => resolve("aborted");
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([replies.next(), stopped]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
  }
}

/**
 * Prompts a protocol agent and collects its answer. Throws an `AgentProtocolError` naming what happened: an error
 * response (`SY_ERR_PROTOCOL_SERVICE_ERROR`, with its code and description), no message for `inactivityMs`
 * (`SY_ERR_PROTOCOL_STALLED`), no agent listening (`SY_ERR_PROTOCOL_NO_AGENT`), a question the caller cannot
 * answer (`SY_ERR_PROTOCOL_QUERY`), a prompt over `max_payload` (`SY_ERR_PROTOCOL_TOO_LARGE`); the signal's reason
 * when it fired.
 */
export async function callProtocolAgent(opts: ProtocolCallOptions): Promise<ProtocolCallResult> {
  const { nc, subject, signal } = opts;
  const inactivityMs = opts.inactivityMs ?? DEFAULT_INACTIVITY_MS;
  signal.throwIfAborted();
  const payload = encodeEnvelope(opts.prompt);
  const limit = Math.min(opts.maxPayloadBytes ?? Infinity, nc.info?.max_payload ?? Infinity);
  if (payload.length > limit) {
    throw new AgentProtocolError(
      "SY_ERR_PROTOCOL_TOO_LARGE",
      "caller",
      `the prompt is ${payload.length} bytes; ${subject} takes at most ${limit}`,
    );
  }
  // The sentinel strategy ends the iterator at the first empty message: the terminator, or an empty error response
  // (read before it ends). The signal bounds the call; `maxWait` only backs it up.
  const replies = (await nc.requestMany(subject, payload, {
    strategy: "sentinel",
    maxWait: MAX_CALL_MS,
  })) as QueuedIterator<Msg>;
  const messages = replies[Symbol.asyncIterator]();
  const texts: string[] = [];
  try {
    for (;;) {
      const next = await nextMessage(messages, inactivityMs, signal);
      if (next === "aborted") rethrowAbort(signal);
      if (next === "silent") {
        throw new AgentProtocolError(
          "SY_ERR_PROTOCOL_STALLED",
          "third_party",
          `the protocol agent at ${subject} sent nothing for ${inactivityMs} ms (${texts.length} response chunk(s) so far)`,
        );
      }
      if (next.done === true) {
        throw new AgentProtocolError(
          "SY_ERR_PROTOCOL_UNTERMINATED",
          "third_party",
          `the stream from ${subject} ended without its terminator`,
        );
      }
      const msg = next.value;
      const failure = serviceError(msg, subject);
      if (failure !== undefined) throw failure;
      if (msg.data.length === 0) return { text: texts.join(""), responses: texts.length };
      let chunk;
      try {
        chunk = decodeChunk(msg.data);
      } catch (err) {
        throw new AgentProtocolError(
          "SY_ERR_PROTOCOL_SERVICE_ERROR",
          "third_party",
          `the protocol agent at ${subject} sent a bad chunk: ${errorMessage(err)}`,
          { cause: err },
        );
      }
      if (chunk?.type === "response") texts.push(chunk.text);
      if (chunk?.type === "query") {
        throw new AgentProtocolError(
          "SY_ERR_PROTOCOL_QUERY",
          "third_party",
          `the protocol agent at ${subject} asked a question mid-stream, which a Switchyard subtask cannot answer: ${chunk.prompt}`,
        );
      }
    }
  } catch (err) {
    if (err instanceof errors.NoRespondersError) {
      throw new AgentProtocolError(
        "SY_ERR_PROTOCOL_NO_AGENT",
        "third_party",
        `no protocol agent listens on ${subject}`,
        {
          cause: err,
        },
      );
    }
    throw err;
  } finally {
    replies.stop();
  }
}
