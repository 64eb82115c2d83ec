import { describe, expect, it } from "vitest";
import { decodeEnvelope, encodeEnvelope } from "./envelope.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("decodeEnvelope (§5.3)", () => {
  it("takes a payload that does not start with { as the prompt itself", () => {
    expect(decodeEnvelope(bytes("list the open orders"))).toEqual({ prompt: "list the open orders" });
    expect(decodeEnvelope(bytes('["not", "an", "envelope"]'))).toEqual({ prompt: '["not", "an", "envelope"]' });
  });

  it("reads a JSON envelope after leading whitespace, keeping unknown fields (§5.6)", () => {
    expect(decodeEnvelope(bytes(' \n{"prompt": "hi", "trace": {"id": 1}}'))).toEqual({
      prompt: "hi",
      trace: { id: 1 },
    });
  });

  it.each([
    ["an empty payload", "", /empty prompt/],
    ["a { that is not JSON", '{"prompt": "x"', /starts with "\{" but is not valid JSON/],
    ["a missing prompt", '{"text": "x"}', /prompt: .*expected string/i],
    ["an empty prompt", '{"prompt": ""}', /prompt: must be a non-empty string/],
    ["attachments that are not a list", '{"prompt": "x", "attachments": "a.txt"}', /attachments: must be an array/],
  ])("refuses %s as the caller's mistake, naming it", (_what, payload, message) => {
    expect(() => decodeEnvelope(bytes(payload))).toThrow(
      expect.objectContaining({
        code: "SY_ERR_PROTOCOL_BAD_REQUEST",
        fault: "caller",
        message: expect.stringMatching(message),
      }),
    );
  });

  it("refuses bytes that are not UTF-8", () => {
    expect(() => decodeEnvelope(new Uint8Array([0x68, 0xff, 0x69]))).toThrow(/not valid UTF-8/);
  });

  it("encodes the JSON form a caller sends", () => {
    expect(new TextDecoder().decode(encodeEnvelope('say "hi"'))).toBe('{"prompt":"say \\"hi\\""}');
  });
});
