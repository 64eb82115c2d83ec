import { Goal, GoalReply, type GoalResult } from "@switchyard/contracts";
import { decodeJson, publishJson, respondToInbox } from "@switchyard/infra";
import type { Msg } from "@nats-io/transport-node";
import type { CoordinatorDeps } from "./deps.ts";
import { serveRequests } from "./request-server.ts";
import { senderOf } from "./senders.ts";

/** Extra time a blocking request waits beyond the goal's own deadline, for the last result to travel. */
const REPLY_MARGIN_MS = 5_000;

/**
 * The third way to get a result (besides the done event and the KV record): a backend sends a Goal as a request on
 * `<prefix>.goals.request.<tenant>` and gets a GoalReply when the goal ends. The tenant is the subject's token (pinned
 * to the backend's identity); a goal naming another tenant is refused. The goal goes through the same durable intake as
 * any other (so a coordinator crash loses nothing; the requester can still read the KV record), and a resubmission
 * with the same idempotency key waits for the goal that key belongs to. One replica answers (queue group).
 */
export function serveGoalRequests(deps: CoordinatorDeps): { stop(): Promise<void> } {
  const answer = async (msg: Msg): Promise<void> => {
    const reply = (r: GoalReply) => respondToInbox(msg, JSON.stringify(GoalReply.parse(r)));
    const decoded = decodeJson(Goal, msg.data, "goal");
    if (!decoded.ok) {
      await deps.rejections.report({
        subject: msg.subject,
        sender: senderOf(msg.subject),
        reason: decoded.reason,
        issues: decoded.issues,
      });
      reply({ ok: false, error: { code: "SY_ERR_GOAL_INVALID", message: decoded.reason } });
      return;
    }
    const goal = decoded.value;
    const tenant = senderOf(msg.subject);
    if (goal.tenant !== tenant) {
      const message = `goal.tenant "${goal.tenant}" is not the tenant "${tenant}" of the subject it was sent on`;
      await deps.rejections.report({ subject: msg.subject, sender: tenant, goalId: goal.id, reason: message });
      reply({ ok: false, error: { code: "SY_ERR_GOAL_INVALID", message } });
      return;
    }
    const taken = await deps.store.get(goal.id);
    if (taken !== undefined && taken.value.goal.tenant !== tenant) {
      reply({ ok: false, error: { code: "SY_ERR_GOAL_INVALID", message: `goal id "${goal.id}" is already taken` } });
      return;
    }
    const owner = await deps.store.claimIdempotencyKey(tenant, goal.idempotencyKey ?? goal.id, goal.id);
    await publishJson(deps.bus, deps.bus.names.subjects.goalSubmit(tenant), Goal, goal, {
      msgId: `goal/${tenant}/${goal.idempotencyKey ?? goal.id}`,
      headers: {
        traceparent: msg.headers?.get("traceparent") || undefined,
        "sy-tenant": goal.tenant,
        "sy-user": goal.user,
      },
    });
    const deadline = goal.deadline === undefined ? Number.POSITIVE_INFINITY : Date.parse(goal.deadline) - Date.now();
    const timeoutMs = Math.min(goal.budget.maxMs ?? deps.defaultGoalMs, deadline) + REPLY_MARGIN_MS;
    const result: GoalResult | undefined = await deps.store.waitForResult(owner, timeoutMs);
    if (result === undefined) {
      reply({
        ok: false,
        error: {
          code: "SY_ERR_GOAL_TIMEOUT",
          message: `goal ${owner} has no result after ${timeoutMs} ms; it goes on, read KV goal.${owner}`,
        },
      });
      return;
    }
    reply({ ok: true, data: result });
  };

  return serveRequests({
    bus: deps.bus,
    subject: deps.bus.names.subjects.goalRequestAll,
    logger: deps.logger,
    failedEvent: "goal.request_failed",
    answer,
  });
}
