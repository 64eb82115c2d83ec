// The agent's end of one response stream (§6): the leading `ack`, chunks, keep-alives while work is slow, and exactly
// one terminator — after an error too (§9.3) — with nothing after it (§6.5).
import type { ServiceMsg } from "@nats-io/services";
import { ACK, encodeChunk, type Chunk } from "./chunks.ts";
import type { ProtocolErrorCode } from "./protocol.ts";

/** Where a prompt's chunks go; every method is a no-op once the stream ended. */
export type ReplyStream = {
  /** A `response` chunk. */
  send(text: string): void;
  /** A mid-stream `query` chunk (§7.1); the caller answers on `replySubject`. */
  query(id: string, replySubject: string, prompt: string): void;
  /** An error (§9): the headers, an optional JSON body, then the terminator. */
  fail(code: ProtocolErrorCode, description: string, body?: Record<string, unknown>): void;
  /** The terminator (§6.5). */
  end(): void;
  readonly ended: boolean;
};

/** Options of {@link openReplyStream}. */
export type ReplyStreamOptions = {
  /** How often an `ack` keeps a quiet stream alive for the caller's inactivity timeout (§6.6); `undefined`: never. */
  keepAliveMs?: number;
};

/** Error descriptions travel in a header: one line, bounded (richer detail goes in the JSON body). */
const MAX_DESCRIPTION = 200;

function headerSafe(description: string): string {
  const line = description.replace(/\s*[\r\n]+\s*/g, " | ").trim() || "error";
  return line.length > MAX_DESCRIPTION ? `${line.slice(0, MAX_DESCRIPTION - 1)}…` : line;
}

/** Sends best-effort: a caller that went away (or a closing connection) loses its chunks, nothing else breaks. */
function respond(msg: ServiceMsg, data: Uint8Array): void {
  try {
    msg.respond(data);
  } catch {
    // §6.7: nobody is told about an abandoned stream; the work finishes on its own.
  }
}

/** Answers a request with an error and the terminator, without opening a stream (a request refused up front). */
export function refuseRequest(msg: ServiceMsg, code: ProtocolErrorCode, description: string): void {
  try {
    msg.respondError(code, headerSafe(description));
  } catch {
    // As in `respond`.
  }
  respond(msg, new Uint8Array(0));
}

/** Opens the stream of one request: sends the leading `ack` at once (§6.4) and starts the keep-alives. */
export function openReplyStream(msg: ServiceMsg, opts: ReplyStreamOptions = {}): ReplyStream {
  let ended = false;
  const chunk = (c: Chunk) => {
    if (!ended) respond(msg, encodeChunk(c));
  };
  chunk({ type: "status", status: ACK });
  const keepAlive =
    opts.keepAliveMs === undefined
      ? undefined
      : setInterval(() => chunk({ type: "status", status: ACK }), opts.keepAliveMs);
  keepAlive?.unref();
  // Keep-alives stop before the last messages, so no `ack` can land between an error and the terminator.
  const close = (last: () => void) => {
    if (ended) return;
    ended = true;
    clearInterval(keepAlive);
    last();
    respond(msg, new Uint8Array(0));
  };
  return {
    send: (text) => chunk({ type: "response", text }),
    query: (id, replySubject, prompt) => chunk({ type: "query", id, replySubject, prompt }),
    fail: (code, description, body) =>
      close(() => {
        try {
          msg.respondError(code, headerSafe(description), body === undefined ? undefined : JSON.stringify(body));
        } catch {
          // As in `respond`.
        }
      }),
    end: () => close(() => undefined),
    get ended() {
      return ended;
    },
  };
}
