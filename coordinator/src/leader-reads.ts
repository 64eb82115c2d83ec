import { withTransientRetries, type Buckets, type Bus } from "@switchyard/infra";

/**
 * The coordinator's own state (goals, approvals, quotas) with reads through each bucket's stream leader.
 *
 * Every decision of the coordinator reads a record and acts on what it says. A KV get is a direct get, and on a
 * replicated bucket any replica may answer it: a follower that has not applied the latest write yet (for a moment
 * after every write, and for seconds while a restarted node catches up) returns the record as it was. Writes are
 * compare-and-set, so a stale read cannot overwrite anything; but a decision to do nothing can be made on it — a
 * result dropped as "not dispatched", a ready subtask never sent, a paused goal never resumed — and the message that
 * asked for the decision is acked. The leader has applied every write it acknowledged. Only the coordinator writes
 * these buckets, and it may read all of them, so the leader reads widen nothing.
 */
export async function withLeaderReads(bus: Bus, buckets: Buckets): Promise<Buckets> {
  // With one replica, the replica that answers a direct get is the leader.
  if (bus.config.replicas === 1) return buckets;
  const open = (name: string) => bus.kvm.open(name, { allow_direct: false }).then(withTransientRetries);
  const { names } = bus;
  const [goals, approvals, quotas] = await Promise.all([
    open(names.buckets.goals),
    open(names.buckets.approvals),
    open(names.buckets.quotas),
  ]);
  return { ...buckets, goals, approvals, quotas };
}
