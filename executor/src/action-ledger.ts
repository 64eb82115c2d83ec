import type { KV } from "@nats-io/kv";
import { ActionEntry, type WireNames } from "@switchyard/contracts";
import { isCasConflict, type Versioned } from "@switchyard/infra";

// The entry's states live with the other ledgers' in the contracts.
export { ActionEntry } from "@switchyard/contracts";

/** A recorded outcome: what a redelivery republishes. */
export type SettledEntry = Extract<ActionEntry, { state: "executed" | "failed" }>;
/** A claim without an outcome. */
export type ClaimEntry = Extract<ActionEntry, { state: "claimed" }>;

/**
 * The executor's ledger on the effects bucket (KV `<prefix>_effects`, key `action.<proposalId>`, the only keys the
 * executor may write there): an action is
 * claimed (create-only write) before it runs and its outcome recorded after (compare-and-set on the claim), so
 * whatever the deliveries and replicas, it runs at most once and a redelivery republishes the recorded outcome.
 */
export type ActionLedger = {
  /** The entry of a proposal, if any. */
  find(proposalId: string): Promise<Versioned<ActionEntry> | undefined>;
  /** Claims a proposal. `claimed: true`: run it; otherwise the entry that was there first. */
  claim(
    proposalId: string,
    claim: { instance: string; leaseMs: number },
  ): Promise<{ claimed: true; revision: number } | { claimed: false; entry: Versioned<ActionEntry> }>;
  /**
   * Records the outcome over the claim at `claimRevision`. `written: false` when someone else settled it first
   * (a replica that took the claim for crashed); `entry` is then what they recorded.
   */
  settle(
    proposalId: string,
    outcome: SettledEntry,
    claimRevision: number,
  ): Promise<{ written: boolean; entry: ActionEntry }>;
};

/** Creates the ledger on the effects bucket. */
export function createActionLedger(effects: KV, names: WireNames): ActionLedger {
  const actionKey = (proposalId: string) => names.keys.action(proposalId);
  async function find(proposalId: string): Promise<Versioned<ActionEntry> | undefined> {
    const entry = await effects.get(actionKey(proposalId));
    if (entry === null || entry.operation !== "PUT") return undefined;
    const parsed = ActionEntry.safeParse(entry.json());
    // An entry this code cannot read is an unknown earlier attempt: an expired claim, never run again blindly.
    const at = entry.created.toISOString();
    const value = parsed.success ? parsed.data : { state: "claimed" as const, instance: "unknown", at, leaseUntil: at };
    return { value, revision: entry.revision };
  }

  return {
    find,
    async claim(proposalId, { instance, leaseMs }) {
      const now = Date.now();
      const claim: ClaimEntry = {
        state: "claimed",
        instance,
        at: new Date(now).toISOString(),
        leaseUntil: new Date(now + leaseMs).toISOString(),
      };
      try {
        return { claimed: true, revision: await effects.create(actionKey(proposalId), JSON.stringify(claim)) };
      } catch (err) {
        const entry = await find(proposalId);
        if (entry === undefined) throw err;
        return { claimed: false, entry };
      }
    },
    async settle(proposalId, outcome, claimRevision) {
      try {
        await effects.update(actionKey(proposalId), JSON.stringify(ActionEntry.parse(outcome)), claimRevision);
        return { written: true, entry: outcome };
      } catch (err) {
        if (!isCasConflict(err)) throw err;
        const current = await find(proposalId);
        if (current === undefined) throw err;
        return { written: false, entry: current.value };
      }
    },
  };
}

/** Whether a claim without an outcome belongs to a run that has stopped, or one that may still be running. */
export type ClaimVerdict = { stopped: true } | { stopped: false; waitMs: number };

/**
 * Judges a claim found without an outcome. The caller holds the per-proposal lock of its own process, so a claim
 * made by the same instance (e.g. before a restart, with a stable `SY_INSTANCE`) is a stopped run. Another
 * instance's claim is live until its lease ends: the action timeout plus a grace for clock skew.
 */
export function judgeClaim(claim: ClaimEntry, opts: { instance: string; now: number }): ClaimVerdict {
  if (claim.instance === opts.instance) return { stopped: true };
  const leaseUntil = Date.parse(claim.leaseUntil);
  if (!Number.isFinite(leaseUntil) || leaseUntil <= opts.now) return { stopped: true };
  return { stopped: false, waitMs: leaseUntil - opts.now };
}
