import type { ValidationIssue } from "@switchyard/contracts";
import type { EventEmitter } from "./events.ts";
import type { Logger } from "./logger.ts";

/** A message a service refused: where it came from, who sent it (as far as the bus vouches), and why. */
export type Rejection = {
  subject: string;
  /** The identity token of the subject (tenant, agent, person); absent where the subject carries none. */
  sender?: string;
  reason: string;
  issues?: ValidationIssue[];
  goalId?: string;
};

/** Reports rejected messages as `message.rejected` events and log lines, rate-limited per sender. */
export type RejectionReporter = { report(rejection: Rejection): Promise<void> };

/** Options of {@link createRejectionReporter}. */
export type RejectionReporterOptions = {
  /** Reports a sender may make at once; default 20. */
  burst?: number;
  /** Reports per second a sender earns back; default 2. */
  perSecond?: number;
  /** Senders remembered at once (oldest forgotten first), so junk senders cannot grow memory; default 10,000. */
  maxSenders?: number;
};

const MAX_REASON = 2_000;
const MAX_ISSUES = 20;

/**
 * Creates a reporter. Every rejection is counted, but a sender that floods a subject with junk gets at most `burst`
 * events at once and `perSecond` after that; the next event it gets says how many were left out (`suppressed`), so
 * junk can neither flood the event stream nor hide. Reasons and issue lists are capped in size.
 */
export function createRejectionReporter(
  events: EventEmitter,
  logger: Logger,
  opts: RejectionReporterOptions = {},
): RejectionReporter {
  const burst = opts.burst ?? 20;
  const perSecond = opts.perSecond ?? 2;
  const maxSenders = opts.maxSenders ?? 10_000;
  const buckets = new Map<string, { tokens: number; at: number; suppressed: number }>();

  function take(key: string): { allowed: boolean; suppressed: number } {
    const now = Date.now();
    let bucket = buckets.get(key);
    if (bucket === undefined) {
      if (buckets.size >= maxSenders) buckets.delete(buckets.keys().next().value ?? "");
      bucket = { tokens: burst, at: now, suppressed: 0 };
    } else {
      buckets.delete(key); // re-inserted below: the map's order is the order of last use
    }
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      bucket.suppressed++;
      return { allowed: false, suppressed: bucket.suppressed };
    }
    bucket.tokens -= 1;
    const suppressed = bucket.suppressed;
    bucket.suppressed = 0;
    return { allowed: true, suppressed };
  }

  return {
    async report(r) {
      const key = `${r.sender ?? "?"}|${r.subject}`;
      const { allowed, suppressed } = take(key);
      const reason = r.reason.length > MAX_REASON ? `${r.reason.slice(0, MAX_REASON)}…` : r.reason;
      const fields = { event: "message.rejected", subject: r.subject, sender: r.sender, goalId: r.goalId };
      if (!allowed) {
        // Counted in the next event; a log line per junk message would flood the logs instead.
        if (suppressed === 1) logger.warn({ ...fields, reason }, `rate-limiting rejection reports from ${key}`);
        return;
      }
      logger.warn({ ...fields, reason, suppressed: suppressed || undefined }, reason);
      await events.emitSafely({
        type: "message.rejected",
        subject: r.subject,
        sender: r.sender,
        goalId: r.goalId,
        reason,
        issues: (r.issues ?? []).slice(0, MAX_ISSUES).map((i) => ({
          path: i.path.slice(0, 200),
          message: i.message.slice(0, 500),
        })),
        suppressed: suppressed || undefined,
      });
    },
  };
}
