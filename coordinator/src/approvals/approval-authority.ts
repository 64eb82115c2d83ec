import type { KV } from "@nats-io/kv";
import {
  ApprovalPolicyVersion,
  ApprovalRecord,
  ApprovedAction,
  WIRE_VERSION,
  type ActionOutcome,
  type ActionProposal,
  type ApprovalDecision,
  type SubtaskResult,
} from "@switchyard/contracts";
import {
  createJson,
  getJson,
  headersForActiveContext,
  publishJson,
  updateJson,
  type CasDecision,
  type CoordinatorMetrics,
} from "@switchyard/infra";
import type { CoordinatorDeps } from "../deps.ts";
import { applyInput, flushGoal } from "../reactor/react.ts";
import { scheduleTimer } from "../timer-schedule.ts";
import { checkRule, policyVersion, type ApprovalPolicies } from "./approval-policy.ts";
import { reserveAutoApproval } from "./auto-approval.ts";
import { proposalRefusal } from "./proposal-check.ts";

/** Where the authority keeps its state and what decides automatically. */
export type ApprovalAuthorityOptions = { kv: KV; policies: ApprovalPolicies; metrics?: CoordinatorMetrics };

type Verdict = {
  status: "approved" | "rejected" | "expired";
  by: string;
  reason: string;
  auto: boolean;
  policyVersion?: string;
};

/**
 * The approval authority: the one writer of approval state (KV `<prefix>_approvals`). It lives in the coordinator
 * because a decision is goal state (it resumes a paused goal with compare-and-set writes, like a result) and needs no
 * credentials. A proposal from an agent — checked to be that agent's own — becomes a pending record with a review
 * deadline; a validator policy approves it at once where its cumulative limits allow; otherwise a person decides
 * (as the identity the server authenticated), or it expires. Approved destructive actions go to the executor, which
 * runs them only if this record says so; its outcome settles the record. The goal is settled from the record, so
 * a decision or an outcome that arrives before the agent's result (or twice) is applied once, when both are there.
 */
export function createApprovalAuthority(deps: CoordinatorDeps, opts: ApprovalAuthorityOptions) {
  const { bus, logger } = deps;
  const { names } = bus;
  const version = policyVersion(opts.policies);
  const key = (id: string) => names.keys.proposal(id);
  const update = (id: string, change: (r: ApprovalRecord) => CasDecision<ApprovalRecord>) =>
    updateJson(opts.kv, key(id), ApprovalRecord, change);

  /** Settles the goal from what the record says now (nothing while it waits for a person or the executor). */
  async function resettle(record: ApprovalRecord): Promise<void> {
    const p = record.proposal;
    if (p.status === "pending" || (p.status === "approved" && p.kind === "destructive")) return;
    const note =
      p.status === "executed"
        ? "executed"
        : p.status === "failed"
          ? (record.error ?? "failed")
          : (record.decisionReason ?? p.status);
    const applied = await applyInput(p.goalId, { type: "proposal", proposal: p, note }, deps);
    if (applied === undefined) return;
    // A goal that waited for this decision goes on: its history says who let it, before what follows (a refusal
    // ends it instead, which its end says).
    const allowed = p.status === "approved" || p.status === "executed";
    if (allowed && applied.before.phase.type === "paused" && applied.record.value.phase.type !== "paused") {
      await deps.events.emitSafely({
        type: "goal.resumed",
        goalId: p.goalId,
        tenant: applied.record.value.goal.tenant,
        subtaskIds: [p.subtaskId],
        answeredBy: p.decidedBy ?? "policy",
        proposalId: p.id,
      });
    }
    await flushGoal(p.goalId, deps, applied.record);
  }

  async function execute(record: ApprovalRecord, approvedBy: string): Promise<void> {
    const { proposal } = record;
    await publishJson(
      bus,
      names.subjects.actionExecute,
      ApprovedAction,
      {
        v: WIRE_VERSION,
        proposal,
        tenant: record.tenant ?? "unknown",
        approvedBy,
        approvedAt: proposal.decidedAt ?? new Date().toISOString(),
      },
      // The executor's run joins the goal's trace, under the decision (or the proposal) that approved it.
      { msgId: `execute/${proposal.id}/${record.policyVersion ?? "person"}`, headers: headersForActiveContext() },
    );
  }

  async function emitDecided(record: ApprovalRecord): Promise<void> {
    const p = record.proposal;
    if (p.status !== "approved" && p.status !== "rejected" && p.status !== "expired" && p.status !== "pending") return;
    await deps.events.emitSafely({
      type: "proposal.decided",
      goalId: p.goalId,
      tenant: record.tenant ?? "unknown",
      subtaskId: p.subtaskId,
      agent: p.agent,
      proposalId: p.id,
      tool: p.tool,
      status: p.status,
      decidedBy: p.decidedBy ?? "policy",
      reason: record.decisionReason ?? p.status,
    });
  }

  /** pending → approved / rejected / expired, once: a second decision finds it decided and changes nothing. */
  async function decide(proposalId: string, verdict: Verdict): Promise<void> {
    const now = new Date().toISOString();
    const after = await update(proposalId, (r) =>
      r.proposal.status !== "pending"
        ? { keep: true }
        : {
            write: {
              ...r,
              proposal: { ...r.proposal, status: verdict.status, decidedBy: verdict.by, decidedAt: now },
              decisionReason: verdict.reason,
              autoDecided: verdict.auto,
              policyVersion: verdict.policyVersion,
            },
          },
    );
    if (!after.written) return;
    opts.metrics?.recordApproval(verdict.status);
    logger.info(
      { event: "proposal.decided", goalId: after.value.proposal.goalId, proposalId, ...verdict },
      `proposal ${verdict.status}`,
    );
    await emitDecided(after.value);
    if (verdict.status === "approved" && after.value.proposal.kind === "destructive") {
      await execute(after.value, verdict.by);
    } else {
      await resettle(after.value);
    }
  }

  /**
   * Whether the policy in force approves a proposal automatically: its rule, then every cumulative ceiling (counted
   * once per proposal). Returns the approval's reason, or why a person decides.
   */
  async function automaticVerdict(
    proposal: ActionProposal,
  ): Promise<{ ok: true; reason: string } | { ok: false; reason: string }> {
    const goal = (await deps.store.get(proposal.goalId))?.value.goal;
    if (goal === undefined) return { ok: false, reason: "its goal is unknown" };
    const rule = checkRule(opts.policies, proposal, goal);
    if (!rule.ok) return rule;
    const reserved = await reserveAutoApproval({
      kv: opts.kv,
      names,
      rule: rule.rule,
      proposal,
      goal,
      amount: rule.amount,
      now: new Date(),
    });
    if (!reserved.ok) return reserved;
    const { path, max } = rule.rule;
    return { ok: true, reason: `${path} ${rule.amount} ≤ ${max} and within the cumulative limits (policy ${version})` };
  }

  /** Approves automatically if the policy's rule and every cumulative ceiling allow it; otherwise a person decides. */
  async function considerAutomatically(record: ApprovalRecord): Promise<string | undefined> {
    const verdict = await automaticVerdict(record.proposal);
    if (!verdict.ok) return verdict.reason;
    await decide(record.proposal.id, {
      status: "approved",
      by: "policy",
      reason: verdict.reason,
      auto: true,
      policyVersion: version,
    });
    return undefined;
  }

  async function waitForPerson(record: ApprovalRecord, why: string): Promise<void> {
    logger.info(
      { event: "proposal.needs_person", goalId: record.proposal.goalId, proposalId: record.proposal.id, why },
      `a person decides: ${why}`,
    );
    // The reviewer sees why no rule approved it (`switchyard approvals list`).
    await update(record.proposal.id, (r) =>
      r.proposal.status === "pending" && r.reviewReason !== why
        ? { write: { ...r, reviewReason: why } }
        : { keep: true },
    );
    await scheduleTimer(deps, {
      goalId: record.proposal.goalId,
      kind: "review",
      proposalId: record.proposal.id,
      at: record.reviewBy,
    });
  }

  return {
    /**
     * The trace context of the goal a proposal belongs to: a person's decision arrives without one (the CLI, a
     * console), and is handled in the goal's trace all the same.
     */
    async traceOf(proposalId: string): Promise<Record<string, string>> {
      const goalId = (await getJson(opts.kv, key(proposalId), ApprovalRecord))?.value.proposal.goalId;
      const traceparent = goalId === undefined ? undefined : (await deps.store.get(goalId))?.value.traceparent;
      return traceparent === undefined ? {} : { traceparent };
    },

    /** Publishes the policy version in force, so the executor can refuse approvals given under another one. */
    async start(): Promise<void> {
      const current: ApprovalPolicyVersion = { v: WIRE_VERSION, version, since: new Date().toISOString() };
      await opts.kv.put(names.keys.approvalPolicy, JSON.stringify(ApprovalPolicyVersion.parse(current)));
    },

    /** Why the proposals listed by a paused result are refused, or `undefined` when they are all the agent's own. */
    async check(result: SubtaskResult, sender: string): Promise<string | undefined> {
      const record = (await deps.store.get(result.goalId))?.value;
      for (const p of result.proposals ?? []) {
        if (p.goalId !== result.goalId || p.subtaskId !== result.subtaskId) {
          return `proposal ${p.id} is for ${p.goalId}/${p.subtaskId}, not this subtask`;
        }
        const refused = proposalRefusal(p, sender, record, names);
        if (refused !== undefined) return `proposal ${p.id}: ${refused}`;
      }
      return undefined;
    },

    /**
     * A proposal of agent `sender`, from the proposals stream or listed in its paused result (whichever comes first
     * records it): checked, recorded pending once, then approved by policy or left to a person; if it was decided
     * already, the goal is settled from the record.
     */
    async receive(proposal: ActionProposal, sender: string): Promise<void> {
      const goal = await deps.store.get(proposal.goalId);
      const refused = proposalRefusal(proposal, sender, goal?.value, names);
      if (refused !== undefined) {
        await deps.rejections.report({
          subject: names.subjects.proposals(sender),
          sender,
          goalId: proposal.goalId,
          reason: refused,
        });
        return;
      }
      const received = new Date();
      // Whatever the agent wrote in the decision fields, a new proposal is pending and undecided.
      const record: ApprovalRecord = {
        v: WIRE_VERSION,
        proposal: { ...proposal, status: "pending", decidedBy: undefined, decidedAt: undefined, result: undefined },
        tenant: goal?.value.goal.tenant,
        receivedAt: received.toISOString(),
        reviewBy: new Date(received.getTime() + opts.policies.reviewMs).toISOString(),
        autoDecided: false,
      };
      const created = await createJson(opts.kv, key(proposal.id), ApprovalRecord, record);
      // Counted once, by the write that recorded it (it may come from the stream and from the paused result).
      if (created !== undefined) opts.metrics?.recordProposal(proposal);
      const current = (await getJson(opts.kv, key(proposal.id), ApprovalRecord))?.value;
      if (current === undefined) return;
      if (current.proposal.status !== "pending") return resettle(current);
      const why = await considerAutomatically(current);
      if (why !== undefined) await waitForPerson(current, why);
    },

    /** A person's decision; `person` is the subject's token, pinned to that person's identity. */
    async onDecision(decision: ApprovalDecision, person: string): Promise<void> {
      const subject = names.subjects.approvalDecide(person);
      if (decision.decidedBy !== undefined && decision.decidedBy !== person) {
        await deps.rejections.report({
          subject,
          sender: person,
          reason: `decidedBy "${decision.decidedBy}" is not the person "${person}" the decision was published as`,
          issues: [{ path: "decidedBy", message: `must be "${person}" or absent` }],
        });
        return;
      }
      const current = await getJson(opts.kv, key(decision.proposalId), ApprovalRecord);
      if (current === undefined) {
        await deps.rejections.report({
          subject,
          sender: person,
          reason: `decision for unknown proposal "${decision.proposalId}"`,
        });
        return;
      }
      if (current.value.proposal.status !== "pending") {
        logger.info(
          { event: "decision.late", proposalId: decision.proposalId, status: current.value.proposal.status, person },
          "proposal was decided already",
        );
        return;
      }
      await decide(decision.proposalId, {
        status: decision.decision,
        by: person,
        reason: decision.reason ?? decision.decision,
        auto: false,
      });
    },

    /** The review deadline passed: a proposal still pending is rejected automatically. */
    async onReviewDue(proposalId: string): Promise<void> {
      await decide(proposalId, {
        status: "expired",
        by: "policy:expiry",
        reason: "no decision before the review deadline",
        auto: true,
      });
    },

    /**
     * What the executor did: the record is settled (`executed` / `failed`) and the goal resumes. An approval the
     * executor refused as given under an older policy is checked again under the current one.
     */
    async onOutcome(outcome: ActionOutcome): Promise<void> {
      const found = await getJson(opts.kv, key(outcome.proposalId), ApprovalRecord);
      if (found === undefined) {
        await deps.rejections.report({
          subject: names.subjects.actionOutcome,
          goalId: outcome.goalId,
          reason: `outcome for unknown proposal "${outcome.proposalId}"`,
        });
        return;
      }
      if (outcome.status === "refused" && outcome.code === "stale_policy" && found.value.autoDecided) {
        return recheck(found.value);
      }
      const after = await update(outcome.proposalId, (r) => {
        if (r.proposal.status !== "approved") return { keep: true };
        const executedBy = outcome.executor;
        return outcome.status === "executed"
          ? { write: { ...r, proposal: { ...r.proposal, status: "executed", result: outcome.result }, executedBy } }
          : {
              write: {
                ...r,
                proposal: { ...r.proposal, status: "failed" },
                executedBy,
                error: outcome.error ?? outcome.status,
              },
            };
      });
      await resettle(after.value);
    },
  };

  /**
   * An automatic approval whose policy changed before it ran: approved again under the new one (its rule and its
   * cumulative ceilings, which may be lower than the old ones), or a person decides.
   */
  async function recheck(record: ApprovalRecord): Promise<void> {
    const verdict = await automaticVerdict(record.proposal);
    if (verdict.ok) {
      const after = await update(record.proposal.id, (r) =>
        r.proposal.status === "approved"
          ? { write: { ...r, policyVersion: version, decisionReason: verdict.reason } }
          : { keep: true },
      );
      if (after.written) await execute(after.value, after.value.proposal.decidedBy ?? "policy");
      return;
    }
    const why = `the approval policy changed since it was approved automatically (${verdict.reason})`;
    const after = await update(record.proposal.id, (r) =>
      r.proposal.status === "approved"
        ? {
            write: {
              ...r,
              proposal: { ...r.proposal, status: "pending", decidedBy: undefined, decidedAt: undefined },
              autoDecided: false,
              policyVersion: undefined,
              decisionReason: `${why}; a person decides`,
            },
          }
        : { keep: true },
    );
    if (!after.written) return;
    await emitDecided(after.value);
    await waitForPerson(after.value, why);
  }
}

/** The approval authority's handlers. */
export type ApprovalAuthority = ReturnType<typeof createApprovalAuthority>;
