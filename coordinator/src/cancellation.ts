import type { Msg } from "@nats-io/transport-node";
import { CancelReply, CancelRequest, PersonId, TenantId, WIRE_VERSION } from "@switchyard/contracts";
import { describeIssues, errorMessage, respondToInbox, toValidationIssues } from "@switchyard/infra";
import type { CoordinatorDeps } from "./deps.ts";
import { react } from "./reactor/react.ts";
import { serveRequests } from "./request-server.ts";

/** Who asked, read from `<prefix>.goals.cancel.<kind>.<id>` (the server pins `<id>` to the requester's identity). */
type Requester = { kind: "tenant" | "person"; id: string };

function requesterOf(subject: string): Requester | undefined {
  const [kind, id] = subject.split(".").slice(-2);
  if (kind === "tenant" && TenantId.safeParse(id).success) return { kind, id: id as string };
  if (kind === "person" && PersonId.safeParse(id).success) return { kind, id: id as string };
  return undefined;
}

/**
 * Cancels a goal for a requester: a backend may cancel its own tenant's goals (another tenant's goal is as unknown to
 * it as a goal that does not exist), a person any goal. Records the request in KV (so an agent that missed the bus
 * message still honours it), ends the goal `cancelled` if it has not ended, and answers with its result.
 */
async function cancelFor(requester: Requester, request: CancelRequest, deps: CoordinatorDeps): Promise<CancelReply> {
  const found = await deps.store.get(request.goalId);
  if (found === undefined || (requester.kind === "tenant" && found.value.goal.tenant !== requester.id)) {
    return { ok: false, error: { code: "SY_ERR_GOAL_UNKNOWN", message: `no goal "${request.goalId}"` } };
  }
  if (found.value.phase.type === "finished") return { ok: true, data: found.value.phase.result, alreadyEnded: true };
  const requestedBy = `${requester.kind}:${requester.id}`;
  await deps.store.requestCancel({ ...request, requestedBy });
  const reaction = await react(request.goalId, { type: "cancel", reason: request.reason }, deps);
  const after = reaction?.after;
  deps.logger.info(
    { event: "goal.cancelled", goalId: request.goalId, reason: request.reason, by: requestedBy },
    "goal cancelled",
  );
  if (after?.phase.type !== "finished") {
    return { ok: false, error: { code: "SY_ERR_INTERNAL", message: `goal "${request.goalId}" did not end` } };
  }
  // Only the request that ended it says so in the goal's history (a second one, or a race it lost, does not).
  if (reaction?.before.phase.type !== "finished" && after.phase.result.status === "cancelled") {
    await deps.events.emitSafely({
      type: "goal.cancelled",
      goalId: request.goalId,
      tenant: after.goal.tenant,
      requestedBy,
      reason: request.reason,
    });
  }
  return { ok: true, data: after.phase.result, alreadyEnded: false };
}

/**
 * Answers cancel requests on `<prefix>.goals.cancel.<tenant|person>.<id>` (one replica per request: a queue group;
 * compare-and-set makes the outcome single anyway). A bad request gets an error reply and a rejection event.
 */
export function serveCancelRequests(deps: CoordinatorDeps): { stop(): Promise<void> } {
  const answer = async (msg: Msg): Promise<void> => {
    const reply = (r: CancelReply) => respondToInbox(msg, JSON.stringify(CancelReply.parse(r)));
    const requester = requesterOf(msg.subject);
    // An empty body is fine: a cancel needs nothing but the goal id and the defaults.
    let body: unknown = {};
    try {
      if (msg.data.length > 0) body = JSON.parse(msg.string());
    } catch (err) {
      body = errorMessage(err);
    }
    const parsed =
      typeof body === "object" && body !== null
        ? CancelRequest.safeParse({ v: WIRE_VERSION, requestedAt: new Date().toISOString(), ...body })
        : undefined;
    if (requester === undefined || parsed?.success !== true) {
      const reason =
        requester === undefined
          ? `subject ${msg.subject} names no tenant or person`
          : parsed === undefined || parsed.success
            ? `cancel request is not a JSON object (${String(body)})`
            : `invalid cancel request: ${describeIssues(toValidationIssues(parsed.error))}`;
      await deps.rejections.report({
        subject: msg.subject,
        sender: requester?.id,
        reason,
        issues: parsed !== undefined && !parsed.success ? toValidationIssues(parsed.error) : undefined,
      });
      reply({ ok: false, error: { code: "SY_ERR_BAD_REQUEST", message: reason } });
      return;
    }
    reply(await cancelFor(requester, parsed.data, deps));
  };

  return serveRequests({
    bus: deps.bus,
    subject: deps.bus.names.subjects.goalCancelAll,
    logger: deps.logger,
    failedEvent: "cancel.failed",
    answer,
  });
}
