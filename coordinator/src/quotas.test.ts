import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCoordinatorEnv } from "./config.ts";
import { loadQuotaPolicy, parseQuotaPolicy, type QuotaPolicy } from "./quota-policy.ts";
import { decideQuota, quotaLimits, quotaWindow } from "./quotas.ts";

const ana = { tenant: "acme", user: "ana" };
const at = (iso: string) => new Date(iso);
const spent = (tenantUsd: number, userUsd: number) => ({ tenantUsd, userUsd });

describe("quota windows", () => {
  it("are fixed UTC hours and days: the last millisecond belongs to the window, the next one starts a new one", () => {
    expect(quotaWindow("1h", at("2026-03-04T10:59:59.999Z"))).toEqual({
      window: "1h",
      start: at("2026-03-04T10:00:00.000Z"),
      end: at("2026-03-04T11:00:00.000Z"),
    });
    expect(quotaWindow("1h", at("2026-03-04T11:00:00.000Z")).start).toEqual(at("2026-03-04T11:00:00.000Z"));
    expect(quotaWindow("1d", at("2026-03-04T23:59:59.999Z"))).toEqual({
      window: "1d",
      start: at("2026-03-04T00:00:00.000Z"),
      end: at("2026-03-05T00:00:00.000Z"),
    });
    expect(quotaWindow("1d", at("2026-03-05T00:00:00.000Z")).start).toEqual(at("2026-03-05T00:00:00.000Z"));
  });
});

describe("quota limits", () => {
  const policy: QuotaPolicy = {
    defaults: { tenantUsd: 10, userUsd: 1 },
    tenants: { globex: { usd: 50 } },
    users: { "acme/ana": { usd: 2 } },
  };

  it("take a tenant's or user's own entry over the default, and are unlimited with neither", () => {
    expect(quotaLimits(policy, ana)).toEqual({ tenantUsd: 10, userUsd: 2 });
    expect(quotaLimits(policy, { tenant: "acme", user: "ben" })).toEqual({ tenantUsd: 10, userUsd: 1 });
    expect(quotaLimits(policy, { tenant: "globex", user: "ana" })).toEqual({ tenantUsd: 50, userUsd: 1 });
    expect(quotaLimits({ users: { "acme/ana": { usd: 2 } } }, { tenant: "acme", user: "ben" })).toEqual({
      tenantUsd: undefined,
      userUsd: undefined,
    });
  });

  it("let a goal start below the limit and refuse it at the limit, naming who, the spend, the limit and the reset", () => {
    const now = at("2026-03-04T15:20:00.000Z");
    expect(decideQuota(policy, ana, spent(0, 1.9999), now)).toBeUndefined();
    expect(decideQuota(policy, ana, spent(0, 2), now)).toEqual({
      kind: "policy_denied",
      message:
        "quota exceeded: user ana (tenant acme) spent $2.0000 of $2.0000 in the current 1d window; " +
        "it resets at 2026-03-05T00:00:00.000Z",
    });
    // Ben has no entry of his own: the default applies.
    expect(decideQuota(policy, { tenant: "acme", user: "ben" }, spent(0, 1.2345), now)?.message).toContain(
      "user ben (tenant acme) spent $1.2345 of $1.0000",
    );
  });

  it("refuse every user of a tenant over its limit, and name the user first when both are over", () => {
    const now = at("2026-03-04T15:20:00.000Z");
    const hourly: QuotaPolicy = { ...policy, window: "1h" };
    expect(decideQuota(hourly, { tenant: "acme", user: "ben" }, spent(10.5, 0), now)?.message).toBe(
      "quota exceeded: tenant acme spent $10.5000 of $10.0000 in the current 1h window; " +
        "it resets at 2026-03-04T16:00:00.000Z",
    );
    expect(decideQuota(policy, ana, spent(12, 3), now)?.message).toContain("user ana (tenant acme)");
    expect(decideQuota({}, ana, spent(1e6, 1e6), now)).toBeUndefined();
    // A limit of 0 stops every goal, even before anything was spent.
    expect(decideQuota({ defaults: { userUsd: 0 } }, ana, spent(0, 0), now)?.kind).toBe("policy_denied");
  });
});

describe("quota policy file", () => {
  const dir = mkdtempSync(join(tmpdir(), "sy-quotas-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, body: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof body === "string" ? body : JSON.stringify(body));
    return path;
  };

  it.each([
    [{ window: "1w" }, 'window: Invalid option: expected one of "1h"|"1d"'],
    [{ defaults: { userUsd: -1 } }, "defaults.userUsd: must be a number of US dollars, 0 or more"],
    [{ defaults: { tenantUSD: 5 } }, 'defaults: Unrecognized key: "tenantUSD"'],
    [{ tenants: { acme: { usd: "5" } } }, "tenants.acme.usd: Invalid input: expected number, received string"],
    [{ users: { ana: { usd: 1 } } }, "users.ana: must be <tenant>/<user>"],
    [{ users: { "acme/ana": { limit: 1 } } }, "users.acme/ana.usd: Invalid input: expected number, received undefined"],
  ])("rejects %j naming the field", (raw, expected) => {
    expect(() => parseQuotaPolicy(raw, "SY_QUOTAS_FILE=q.json")).toThrow(`SY_QUOTAS_FILE=q.json: ${expected}`);
  });

  it("is read from SY_QUOTAS_FILE with the env variables over its window and defaults", () => {
    const path = file("quotas.json", {
      window: "1h",
      defaults: { tenantUsd: 100, userUsd: 5 },
      users: { "acme/ana": { usd: 20 } },
    });
    expect(loadQuotaPolicy({ SY_QUOTAS_FILE: path })).toEqual({
      window: "1h",
      defaults: { tenantUsd: 100, userUsd: 5 },
      users: { "acme/ana": { usd: 20 } },
    });
    const env = loadCoordinatorEnv({ SY_QUOTAS_FILE: path, SY_QUOTA_WINDOW: "1d", SY_QUOTA_USER_USD: "2.5" });
    expect(loadQuotaPolicy(env)).toEqual({
      window: "1d",
      defaults: { tenantUsd: 100, userUsd: 2.5 },
      users: { "acme/ana": { usd: 20 } },
    });
  });

  it("is absent with no file and no limit, and made of the env variables alone without a file", () => {
    expect(loadQuotaPolicy(loadCoordinatorEnv({ SY_QUOTA_WINDOW: "1h" }))).toBeUndefined();
    expect(loadQuotaPolicy(loadCoordinatorEnv({ SY_QUOTA_TENANT_USD: "50" }))).toEqual({
      window: undefined,
      defaults: { tenantUsd: 50, userUsd: undefined },
    });
  });

  it("names the file or the variable when it cannot be used", () => {
    expect(() => loadQuotaPolicy({ SY_QUOTAS_FILE: file("broken.json", "{ nope") })).toThrow(/^SY_QUOTAS_FILE=.*JSON/);
    expect(() => loadQuotaPolicy({ SY_QUOTAS_FILE: file("bad.json", { tenants: { acme: { usd: -3 } } }) })).toThrow(
      /SY_QUOTAS_FILE=.*bad\.json: tenants\.acme\.usd: must be a number of US dollars, 0 or more/,
    );
    expect(() => loadCoordinatorEnv({ SY_QUOTA_USER_USD: "lots" })).toThrow(/SY_QUOTA_USER_USD: /);
    expect(() => loadCoordinatorEnv({ SY_QUOTA_WINDOW: "1w" })).toThrow(/SY_QUOTA_WINDOW: /);
  });
});
