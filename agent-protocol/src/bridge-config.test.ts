import { expect, it } from "vitest";
import { loadBridgeConfig } from "./bridge-config.ts";

it("reads the bridge's settings with their defaults", () => {
  expect(loadBridgeConfig({})).toEqual({
    tenant: "default",
    user: "agent-protocol",
    plan: undefined,
    heartbeatMs: 30_000,
    keepAliveMs: 30_000,
    queryTimeoutMs: 300_000,
    maxStreamMs: 900_000,
  });
  expect(
    loadBridgeConfig({ SY_BRIDGE_TENANT: "acme", SY_BRIDGE_PLAN: "support", SY_BRIDGE_KEEPALIVE_S: "0.5" }),
  ).toMatchObject({
    tenant: "acme",
    plan: "support",
    keepAliveMs: 500,
  });
});

it("refuses a bad value, naming the variable and the rule", () => {
  expect(() => loadBridgeConfig({ SY_BRIDGE_TENANT: "acme.corp" })).toThrow(
    /SY_BRIDGE_TENANT="acme.corp": must be 1-64 characters/,
  );
  expect(() => loadBridgeConfig({ SY_BRIDGE_HEARTBEAT_S: "0" })).toThrow(
    /SY_BRIDGE_HEARTBEAT_S="0": must be a positive number/,
  );
});
