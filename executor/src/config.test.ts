import { describe, expect, it } from "vitest";
import { DEFAULT_ACTION_TIMEOUT_MS, ExecutorEnv, loadExecutorEnv } from "./config.ts";

describe("ExecutorEnv", () => {
  it("defaults: a 30 s action timeout and the offline payments stub", () => {
    expect(loadExecutorEnv({})).toEqual({ SY_ACTION_TIMEOUT_MS: DEFAULT_ACTION_TIMEOUT_MS });
    expect(DEFAULT_ACTION_TIMEOUT_MS).toBe(30_000);
  });

  it("reads an empty SY_PAYMENTS_URL as unset, as a compose file writes it", () => {
    expect(ExecutorEnv.parse({ SY_PAYMENTS_URL: "" }).SY_PAYMENTS_URL).toBeUndefined();
    expect(loadExecutorEnv({ SY_PAYMENTS_URL: "https://pay.example/v1", SY_ACTION_TIMEOUT_MS: "5000" })).toEqual({
      SY_PAYMENTS_URL: "https://pay.example/v1",
      SY_ACTION_TIMEOUT_MS: 5_000,
    });
  });

  it("names the variable that is wrong", () => {
    expect(() => loadExecutorEnv({ SY_PAYMENTS_URL: "payments:8080" })).toThrow(
      /SY_PAYMENTS_URL: must be an http\(s\) URL/,
    );
    expect(() => loadExecutorEnv({ SY_ACTION_TIMEOUT_MS: "soon" })).toThrow(/SY_ACTION_TIMEOUT_MS: /);
  });
});
