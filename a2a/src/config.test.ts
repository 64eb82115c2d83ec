import { describe, expect, it } from "vitest";
import { checkIdentity, DEFAULT_A2A_PORT, loadA2aConfig } from "./config.ts";

describe("loadA2aConfig", () => {
  it("needs the tenant and fills in the rest", () => {
    expect(loadA2aConfig({ SY_A2A_TENANT: "acme" })).toEqual({
      tenant: "acme",
      user: "a2a",
      port: DEFAULT_A2A_PORT,
      host: "127.0.0.1",
      waitMs: 300_000,
    });
    expect(() => loadA2aConfig({})).toThrow(/SY_A2A_TENANT/);
    expect(loadA2aConfig({ SY_A2A_TENANT: "acme", SY_A2A_PUBLIC_URL: "https://a2a.example.com/" }).publicUrl).toBe(
      "https://a2a.example.com",
    );
  });

  it("names each bad variable", () => {
    const bad = {
      SY_A2A_TENANT: "acme corp",
      SY_A2A_PORT: "70000",
      SY_A2A_PUBLIC_URL: "ftp://x",
      SY_A2A_TOKEN: "short",
      SY_A2A_DEFAULT_PLAN: "Demo",
      SY_A2A_USER_HEADER: "X Bad",
    };
    const message = (() => {
      try {
        loadA2aConfig(bad);
      } catch (err) {
        return (err as Error).message;
      }
      return "";
    })();
    for (const name of Object.keys(bad)) expect(message).toContain(name);
  });
});

describe("checkIdentity", () => {
  it("refuses credentials of another identity than the tenant's gateway", () => {
    expect(() => checkIdentity("_INBOX_a2a-acme", "acme")).not.toThrow();
    expect(() => checkIdentity(undefined, "acme")).not.toThrow();
    expect(() => checkIdentity("_INBOX_backend-acme", "acme")).toThrow(
      /connects as backend-acme.*needs the identity a2a-acme/,
    );
  });
});
