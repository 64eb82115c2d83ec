import { describe, expect, it } from "vitest";
import { msgIdSealer } from "./msg-ids.ts";

describe("msgIdSealer", () => {
  it("gives every replica of an identity the same id for a logical id, so their retries deduplicate", () => {
    const a = msgIdSealer("SUAseed-of-agent-refunds");
    const b = msgIdSealer("SUAseed-of-agent-refunds");
    expect(a("result/g1/s1/1")).toBe(b("result/g1/s1/1"));
    expect(a("result/g1/s1/1")).not.toBe(a("result/g1/s1/2"));
  });

  it("gives another identity a different id for the same logical id, which it cannot derive", () => {
    const mine = msgIdSealer("SUAseed-of-agent-refunds")("result/g1/s1/1");
    const theirs = msgIdSealer("SUAseed-of-agent-keywords")("result/g1/s1/1");
    expect(mine).not.toBe(theirs);
    expect(mine).not.toBe("result/g1/s1/1");
    // Readable in front, for whoever debugs a stream.
    expect(mine).toMatch(/^result\/g1\/s1\/1~[A-Za-z0-9_-]{22}$/);
  });

  it("leaves ids as they are on an open bus, where there is no identity to key them with", () => {
    expect(msgIdSealer(undefined)("done/g1")).toBe("done/g1");
    expect(msgIdSealer("")("done/g1")).toBe("done/g1");
  });
});
