import { createLogger } from "@switchyard/infra";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAction, type ActionContext } from "./define-action.ts";
import { MAY_HAVE_RUN, runAction, type RunActionOptions } from "./run-action.ts";

const logger = createLogger({ service: "test", level: "silent" });
const opts = (over: Partial<RunActionOptions> = {}): RunActionOptions => ({
  proposal: {
    id: "p1",
    goalId: "g1",
    subtaskId: "s1",
    agent: "a",
    tool: "act",
    args: {},
    argsHash: "h",
    effectKey: "k",
    reason: "r",
    kind: "destructive",
    status: "approved",
  },
  args: {},
  timeoutMs: 1_000,
  signal: new AbortController().signal,
  logger,
  ...over,
});
const action = (run: (ctx: ActionContext) => Promise<unknown>) =>
  defineAction({ tool: "act", description: "test action", input: z.object({}), run: (_args, ctx) => run(ctx) });

describe("runAction", () => {
  it("passes the proposal id as the idempotency key and records a JSON copy of the result", async () => {
    let key = "";
    const at = new Date("2026-01-01T00:00:00.000Z");
    const outcome = await runAction(
      action(async (ctx) => {
        key = ctx.idempotencyKey;
        return { at, skipped: undefined };
      }),
      opts(),
    );
    expect(key).toBe("p1");
    expect(outcome).toEqual({ status: "executed", result: { at: "2026-01-01T00:00:00.000Z" } });
  });

  it("turns a thrown error, also a synchronous one, into a failed outcome", async () => {
    const rejects = await runAction(
      action(async () => Promise.reject(new Error("402 card declined"))),
      opts(),
    );
    expect(rejects).toEqual({
      status: "failed",
      error: expect.stringMatching(/^act failed after \d+ ms: 402 card declined$/),
    });
    const sync = await runAction(
      action(() => {
        throw new Error("sync");
      }),
      opts(),
    );
    expect(sync).toMatchObject({ status: "failed", error: expect.stringMatching(/sync$/) });
  });

  it("stops waiting at the timeout even for an action that ignores its signal, and says it may have run", async () => {
    const started = Date.now();
    const outcome = await runAction(
      action(() => new Promise(() => undefined)),
      opts({ timeoutMs: 100 }),
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(outcome).toEqual({ status: "failed", error: `act timed out after 100 ms; ${MAY_HAVE_RUN}` });
  });

  it("aborts the action's signal when the executor stops", async () => {
    const stop = new AbortController();
    const running = runAction(
      action(
        (ctx) =>
          new Promise((_, reject) =>
            ctx.signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true }),
          ),
      ),
      opts({ signal: stop.signal, timeoutMs: 10_000 }),
    );
    stop.abort();
    expect(await running).toEqual({ status: "failed", error: `the executor stopped while act ran; ${MAY_HAVE_RUN}` });
  });
});

describe("defineAction", () => {
  it("rejects a tool name the agent kit would not allow", () => {
    expect(() =>
      defineAction({ tool: "Issue-Refund", description: "", input: z.object({}), run: async () => 1 }),
    ).toThrow(/invalid action tool "Issue-Refund"/);
  });
});
