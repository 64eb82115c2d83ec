import { describe, expect, it } from "vitest";
import { judgeClaim, type ClaimEntry } from "./action-ledger.ts";

const now = Date.parse("2026-01-01T00:00:10.000Z");
const claim = (instance: string, leaseUntil: string): ClaimEntry => ({
  state: "claimed",
  instance,
  at: "2026-01-01T00:00:00.000Z",
  leaseUntil,
});

describe("judgeClaim", () => {
  it("takes its own instance's claim for a stopped run (this process holds the per-proposal lock)", () => {
    expect(judgeClaim(claim("x1", "2026-01-01T00:01:00.000Z"), { instance: "x1", now })).toEqual({ stopped: true });
  });

  it("gives another instance's claim until its lease ends", () => {
    expect(judgeClaim(claim("x2", "2026-01-01T00:00:15.000Z"), { instance: "x1", now })).toEqual({
      stopped: false,
      waitMs: 5_000,
    });
  });

  it("takes an expired or unreadable lease for a stopped run", () => {
    expect(judgeClaim(claim("x2", "2026-01-01T00:00:10.000Z"), { instance: "x1", now })).toEqual({ stopped: true });
    expect(judgeClaim(claim("x2", "not a date"), { instance: "x1", now })).toEqual({ stopped: true });
  });
});
