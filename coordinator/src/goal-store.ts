import { CancelRequest, GoalRecord, IdempotencyRecord, WIRE_VERSION, type GoalResult } from "@switchyard/contracts";
import { createJson, getJson, sha256Hex, updateJson, type Buckets, type Bus, type Versioned } from "@switchyard/infra";

/** Goal records and idempotency claims in KV `<prefix>_goals`; every write is compare-and-set. */
export type GoalStore = {
  get(goalId: string): Promise<Versioned<GoalRecord> | undefined>;
  /** Stores a new record and returns it with its revision; `undefined` when one already exists (accepted before). */
  create(record: GoalRecord): Promise<Versioned<GoalRecord> | undefined>;
  /**
   * Applies a pure transition with compare-and-set, retried on conflict; returns the record afterwards. `known` (a
   * version just read or written) saves the first read.
   */
  update(
    goalId: string,
    transition: (r: GoalRecord) => GoalRecord | undefined,
    known?: Versioned<GoalRecord>,
  ): Promise<Versioned<GoalRecord> & { written: boolean }>;
  /**
   * Claims a tenant's idempotency key for a goal id. Returns the goal id the key belongs to: `goalId` itself when
   * this call (or an earlier delivery of the same goal) claimed it, another id when the goal is a duplicate. Keys are
   * per tenant: two tenants using the same key never meet.
   */
  claimIdempotencyKey(tenant: string, idempotencyKey: string, goalId: string): Promise<string>;
  /** A goal's record if it belongs to `tenant`; a goal of another tenant is as good as unknown to it. */
  getOwn(tenant: string, goalId: string): Promise<Versioned<GoalRecord> | undefined>;
  /** Records a cancellation request (the first one wins); replicas and agents that missed the message see it here. */
  requestCancel(request: CancelRequest): Promise<void>;
  /** Resolves with the goal's result once its record is finished, or `undefined` after `timeoutMs`. */
  waitForResult(goalId: string, timeoutMs: number): Promise<GoalResult | undefined>;
  /** The cancellation request of a goal, if any. */
  cancelRequest(goalId: string): Promise<CancelRequest | undefined>;
};

/** A store on the bus's goals bucket. */
export function createGoalStore(bus: Bus, buckets: Buckets): GoalStore {
  const kv = buckets.goals;
  const keys = bus.names.keys;
  return {
    get: (goalId) => getJson(kv, keys.goal(goalId), GoalRecord),
    async getOwn(tenant, goalId) {
      const found = await getJson(kv, keys.goal(goalId), GoalRecord);
      return found?.value.goal.tenant === tenant ? found : undefined;
    },
    async create(record) {
      const revision = await createJson(kv, keys.goal(record.goal.id), GoalRecord, record);
      return revision === undefined ? undefined : { value: record, revision };
    },
    async update(goalId, transition, known) {
      const decide = (r: GoalRecord) => {
        const next = transition(r);
        return next === undefined ? { keep: true as const } : { write: next };
      };
      return updateJson(kv, keys.goal(goalId), GoalRecord, decide, known);
    },
    async waitForResult(goalId, timeoutMs) {
      // A watch delivers the current value first, so a result that is already there is seen at once.
      const watcher = await kv.watch({ key: keys.goal(goalId) });
      const timer = setTimeout(() => watcher.stop(), timeoutMs);
      try {
        for await (const entry of watcher) {
          if (entry.operation !== "PUT") continue;
          const record = GoalRecord.safeParse(entry.json());
          if (record.success && record.data.phase.type === "finished") return record.data.phase.result;
        }
        return undefined;
      } finally {
        clearTimeout(timer);
        watcher.stop();
      }
    },
    async requestCancel(request) {
      await createJson(kv, keys.cancel(request.goalId), CancelRequest, request);
    },
    async cancelRequest(goalId) {
      return (await getJson(kv, keys.cancel(goalId), CancelRequest))?.value;
    },
    async claimIdempotencyKey(tenant, idempotencyKey, goalId) {
      // Hashed: a caller's key may hold characters a KV key may not. The tenant is part of it: keys are per tenant.
      const key = keys.idempotency(sha256Hex(`${tenant}\n${idempotencyKey}`));
      const claim = { v: WIRE_VERSION, goalId, claimedAt: new Date().toISOString() } as const;
      if ((await createJson(kv, key, IdempotencyRecord, claim)) !== undefined) return goalId;
      const existing = await getJson(kv, key, IdempotencyRecord);
      return existing?.value.goalId ?? goalId;
    },
  };
}
