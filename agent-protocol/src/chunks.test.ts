import { describe, expect, it } from "vitest";
import { decodeChunk, encodeChunk } from "./chunks.ts";

const text = (data: Uint8Array) => new TextDecoder().decode(data);
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe("chunks (§6.2–§7)", () => {
  it("encodes each chunk as a typed {type, data} object", () => {
    expect(JSON.parse(text(encodeChunk({ type: "response", text: "hi" })))).toEqual({ type: "response", data: "hi" });
    expect(JSON.parse(text(encodeChunk({ type: "status", status: "ack" })))).toEqual({ type: "status", data: "ack" });
    expect(
      JSON.parse(text(encodeChunk({ type: "query", id: "q1", replySubject: "_INBOX.agents.x", prompt: "?" }))),
    ).toEqual({ type: "query", data: { id: "q1", reply_subject: "_INBOX.agents.x", prompt: "?" } });
  });

  it("reads both forms of a response, a status and a query, and what it encodes", () => {
    expect(decodeChunk(bytes({ type: "response", data: "a" }))).toEqual({ type: "response", text: "a" });
    expect(decodeChunk(bytes({ type: "response", data: { text: "b", attachments: [] } }))).toEqual({
      type: "response",
      text: "b",
    });
    expect(decodeChunk(bytes({ type: "status", data: "working" }))).toEqual({ type: "status", status: "working" });
    const query = { type: "query", id: "q", replySubject: "_INBOX.r", prompt: "which?" } as const;
    expect(decodeChunk(encodeChunk(query))).toEqual(query);
  });

  it("skips chunk types it does not know (§6.6) and refuses what is not a chunk", () => {
    expect(decodeChunk(bytes({ type: "thinking", data: "…" }))).toBeUndefined();
    expect(() => decodeChunk(new TextEncoder().encode("plain text"))).toThrow(/not JSON/);
    expect(() => decodeChunk(bytes({ data: "x" }))).toThrow(/no string "type"/);
    expect(() => decodeChunk(bytes({ type: "response", data: 3 }))).toThrow(/malformed response chunk/);
  });
});
