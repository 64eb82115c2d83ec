// The chunks of a response stream (§6.2–§7): typed `{type, data}` JSON objects. An empty message without headers
// ends the stream (§6.5); it is not a chunk.
import { z } from "zod";

/** A chunk of a response stream, as sent and as read. */
export type Chunk =
  | { type: "response"; text: string }
  | { type: "status"; status: string }
  | { type: "query"; id: string; replySubject: string; prompt: string };

/** The status token of the leading chunk and of keep-alives (§6.4). */
export const ACK = "ack";

const encoder = new TextEncoder();

/** The wire form of a chunk. */
export function encodeChunk(chunk: Chunk): Uint8Array {
  switch (chunk.type) {
    case "response":
      return encoder.encode(JSON.stringify({ type: "response", data: chunk.text }));
    case "status":
      return encoder.encode(JSON.stringify({ type: "status", data: chunk.status }));
    case "query":
      return encoder.encode(
        JSON.stringify({
          type: "query",
          data: { id: chunk.id, reply_subject: chunk.replySubject, prompt: chunk.prompt },
        }),
      );
  }
}

// Unknown fields inside `data` are tolerated (§6.6); a `response` is a string or an object with `text` (§6.3).
const WireChunk = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("response"),
    data: z.union([z.string(), z.looseObject({ text: z.string() })]),
  }),
  z.object({ type: z.literal("status"), data: z.string() }),
  z.object({
    type: z.literal("query"),
    data: z.looseObject({ id: z.string(), reply_subject: z.string().min(1), prompt: z.string() }),
  }),
]);

/**
 * Reads one chunk. `undefined` for a chunk of a type this package does not know (callers ignore those, §6.6); throws
 * naming the problem for a body that is not a chunk at all or a known chunk of the wrong shape.
 */
export function decodeChunk(data: Uint8Array): Chunk | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(data));
  } catch (err) {
    throw new Error(`chunk is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const type = (raw as { type?: unknown } | null)?.type;
  if (typeof type !== "string") throw new Error('chunk has no string "type"');
  if (type !== "response" && type !== "status" && type !== "query") return undefined;
  const parsed = WireChunk.safeParse(raw);
  if (!parsed.success) throw new Error(`malformed ${type} chunk: ${parsed.error.issues[0]?.message ?? "bad shape"}`);
  const chunk = parsed.data;
  switch (chunk.type) {
    case "response":
      return { type: "response", text: typeof chunk.data === "string" ? chunk.data : chunk.data.text };
    case "status":
      return { type: "status", status: chunk.data };
    case "query":
      return { type: "query", id: chunk.data.id, replySubject: chunk.data.reply_subject, prompt: chunk.data.prompt };
  }
}
