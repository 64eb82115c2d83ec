import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";
import { canonicalJson } from "./hash.ts";
import { decodeJson } from "./validation.ts";
import { z } from "zod";

describe("config", () => {
  it("has working defaults", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ natsUrl: ["nats://127.0.0.1:4222"], prefix: "sy", ackWaitMs: 30_000, maxDeliver: 5 });
  });

  it("names the variable and the rule a bad value breaks", () => {
    expect(() => loadConfig({ SY_ACK_WAIT_MS: "soon" })).toThrow(/SY_ACK_WAIT_MS="soon"/);
    expect(() => loadConfig({ SY_PREFIX: "Bad.Prefix" })).toThrow(/SY_PREFIX="Bad.Prefix": must match/);
    expect(() => loadConfig({ NATS_URL: "localhost:4222" })).toThrow(/NATS_URL=.*must be nats:\/\/host:port/);
    expect(() => loadConfig({ NATS_USER: "u" })).toThrow(/NATS_USER is set but NATS_PASSWORD is not/);
  });

  it("treats empty variables as unset and splits cluster URLs", () => {
    expect(loadConfig({ SY_PREFIX: "", NATS_URL: "nats://a:1,nats://b:2" })).toMatchObject({
      prefix: "sy",
      natsUrl: ["nats://a:1", "nats://b:2"],
    });
  });
});

describe("decodeJson", () => {
  const schema = z.object({ n: z.number() });
  const bytes = (s: string) => new TextEncoder().encode(s);

  it("reports non-JSON", () => {
    const d = decodeJson(schema, bytes("{nope"), "goal");
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.reason).toMatch(/^goal is not valid JSON/);
  });

  it("reports the field that breaks the schema", () => {
    const d = decodeJson(schema, bytes('{"n":"x"}'), "goal");
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.issues).toEqual([{ path: "n", message: expect.stringMatching(/expected number/) }]);
      expect(d.raw).toEqual({ n: "x" });
    }
  });
});

describe("canonicalJson", () => {
  it("is independent of key order at every depth", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 3 } })).toBe(
      canonicalJson({ a: { c: 3, d: [2, { y: 2, z: 1 }] }, b: 1 }),
    );
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: 2 }));
  });
});
