import type { ApprovalRecord, ProposalStatus } from "@switchyard/contracts";
import { describe, expect, it } from "vitest";
import { recordAfterRun, recordNotRun } from "./approval-record.ts";

const record = (status: ProposalStatus): ApprovalRecord => ({
  v: 1,
  proposal: {
    id: "p1",
    goalId: "g1",
    subtaskId: "s1",
    agent: "refunds",
    tool: "issue_refund",
    args: {},
    argsHash: "h",
    reason: "r",
    kind: "destructive",
    status,
  },
  receivedAt: "2026-01-01T00:00:00.000Z",
  reviewBy: "2026-01-02T00:00:00.000Z",
  autoDecided: false,
});
const at = "2026-01-01T00:05:00.000Z";

describe("approval record transitions", () => {
  it("approved → executed with the result and who ran it", () => {
    const d = recordAfterRun(
      record("approved"),
      { state: "executed", result: { id: 1 }, instance: "i", at },
      "executor/i",
    );
    expect(d).toEqual({
      write: expect.objectContaining({
        proposal: expect.objectContaining({ status: "executed", result: { id: 1 } }),
        executedBy: "executor/i",
      }),
    });
  });

  it("approved → failed with the error", () => {
    const d = recordAfterRun(record("approved"), { state: "failed", error: "boom", instance: "i", at }, "executor/i");
    expect(d).toEqual({
      write: expect.objectContaining({ proposal: expect.objectContaining({ status: "failed" }), error: "boom" }),
    });
    expect(recordNotRun(record("approved"), "refused: x")).toEqual({
      write: expect.objectContaining({ proposal: expect.objectContaining({ status: "failed" }), error: "refused: x" }),
    });
  });

  it.each(["pending", "rejected", "expired", "executed", "failed"] as const)("keeps a %s record as it is", (status) => {
    expect(recordAfterRun(record(status), { state: "executed", instance: "i", at }, "executor/i")).toEqual({
      keep: true,
    });
    expect(recordNotRun(record(status), "refused: x")).toEqual({ keep: true });
  });
});
