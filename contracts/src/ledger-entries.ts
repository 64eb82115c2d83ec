import { z } from "zod";
import { wireDocs } from "./wire-docs.ts";

// The effects bucket (KV `<prefix>_effects`) holds three ledgers and the run journals, each under keys only its
// writer may touch (key names: `wireNames().keys`):
// - `agent.<agent>.run.<goalId>.<subtaskId>.<attempt>` → the subtask's `SubtaskResult` (the subtask ledger: a
//   redelivered subtask replays it);
// - `agent.<agent>.effect.<goalId>.<subtaskId>.<tool>.<argsHash>` → an {@link EffectEntry} (a write tool's call,
//   claimed before it runs and settled after: it never runs twice);
// - `agent.<agent>.journal.<goalId>.<subtaskId>.…` → the run journal (`JournalEntry`, `JournalAttempt`);
// - `action.<proposalId>` → an {@link ActionEntry} (the executor's ledger of approved actions).

/** What the effects ledger knows of one write call's effect key. */
export const EffectEntry = z
  .discriminatedUnion("state", [
    /** Claimed before the tool ran; still there means the run stopped (crashed) before the outcome was recorded. */
    z.object({ state: z.literal("started"), at: z.string() }),
    z.object({ state: z.literal("done"), result: z.string(), at: z.string() }),
    z.object({ state: z.literal("failed"), error: z.string(), at: z.string() }),
  ])
  .register(wireDocs, {
    description:
      "What the effects ledger (KV `<prefix>_effects`, `agent.<agent>.effect.…`) knows of one write call: `started` " +
      "before the tool ran (still there: the run stopped before it recorded the outcome), then `done` or `failed`.",
  });
export type EffectEntry = z.infer<typeof EffectEntry>;

/** What the executor's ledger knows of one approved action. */
export const ActionEntry = z
  .discriminatedUnion("state", [
    /**
     * Written before the action runs. Still there after `leaseUntil` (or seen by the instance that wrote it, after a
     * restart) means the run stopped before its outcome was recorded: it may have run, so it never runs again.
     */
    z.object({ state: z.literal("claimed"), instance: z.string(), at: z.string(), leaseUntil: z.string() }),
    z.object({ state: z.literal("executed"), result: z.unknown().optional(), instance: z.string(), at: z.string() }),
    z.object({ state: z.literal("failed"), error: z.string(), instance: z.string(), at: z.string() }),
  ])
  .register(wireDocs, {
    description:
      "What the executor's ledger (KV `<prefix>_effects`, `action.<proposalId>`) knows of one approved action: " +
      "`claimed` before it runs (still there after `leaseUntil`: it may have run, so it never runs again), then " +
      "`executed` or `failed`.",
  });
export type ActionEntry = z.infer<typeof ActionEntry>;
