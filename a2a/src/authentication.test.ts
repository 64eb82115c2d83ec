import { describe, expect, it } from "vitest";
import { authenticate } from "./authentication.ts";
import type { A2aConfig } from "./config.ts";

describe("authenticate", () => {
  const config: A2aConfig = { tenant: "acme", user: "a2a", port: 0, host: "127.0.0.1", waitMs: 1_000 };
  const headers = (h: Record<string, string>) => (name: string) => h[name];

  it("acts for the configured user, or for the user an authenticating proxy names", () => {
    expect(authenticate(config, headers({}))).toEqual({ user: "a2a" });
    const proxied = { ...config, userHeader: "X-Auth-User" };
    expect(authenticate(proxied, headers({ "x-auth-user": "ana" }))).toEqual({ user: "ana" });
    expect(() => authenticate(proxied, headers({}))).toThrow(/X-Auth-User/);
  });

  it("needs the bearer token when one is configured", () => {
    const guarded = { ...config, token: "0123456789abcdef" };
    expect(authenticate(guarded, headers({ authorization: "Bearer 0123456789abcdef" }))).toEqual({ user: "a2a" });
    expect(() => authenticate(guarded, headers({ authorization: "Bearer nope" }))).toThrow(/credentials/);
    expect(() => authenticate(guarded, headers({}))).toThrow(/credentials/);
  });
});
