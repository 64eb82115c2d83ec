import { CancelRequest, WIRE_VERSION } from "@switchyard/contracts";
import { errorMessage } from "@switchyard/infra";
import { advanceGoal } from "./advance.ts";
import type { CoordinatorDeps } from "./deps.ts";
import { cancelRecord } from "./goal-state.ts";

/**
 * Cancels a goal: records the request in KV (so a replica or agent that missed the bus message still sees it), ends
 * the goal `cancelled` if it is running, and publishes its result. Agents abort their runs for the goal on the same
 * bus message. Idempotent: a second request changes nothing.
 */
export async function cancelGoal(request: CancelRequest, deps: CoordinatorDeps): Promise<void> {
  await deps.store.requestCancel(request);
  const current = await deps.store.get(request.goalId);
  if (current === undefined) return; // not accepted yet: intake finds the request and refuses the goal
  await deps.store.update(request.goalId, (r) => cancelRecord(r, request.reason, new Date()));
  deps.logger.info(
    { event: "goal.cancelled", goalId: request.goalId, reason: request.reason, by: request.requestedBy },
    "goal cancelled",
  );
  await advanceGoal(request.goalId, deps);
}

/** Listens on `<prefix>.control.cancel.*` (every replica: compare-and-set makes the outcome single). */
export function listenForCancellations(deps: CoordinatorDeps): { stop(): void } {
  const { bus, logger } = deps;
  const sub = bus.nc.subscribe(bus.names.subjects.cancel("*"), {
    callback: (_err, msg) => {
      const goalId = msg.subject.slice(bus.names.subjects.cancel("").length);
      let body: unknown;
      try {
        body = msg.data.length === 0 ? {} : msg.json();
      } catch {
        body = {}; // a body that is not JSON is not needed: the subject names the goal
      }
      const parsed = CancelRequest.safeParse({
        v: WIRE_VERSION,
        requestedAt: new Date().toISOString(),
        ...(typeof body === "object" && body !== null ? body : {}),
        goalId,
      });
      if (!parsed.success) {
        logger.warn(
          { event: "cancel.rejected", subject: msg.subject },
          "cancel request with an invalid goal id or body",
        );
        return;
      }
      cancelGoal(parsed.data, deps).then(
        () => msg.reply !== undefined && msg.reply !== "" && msg.respond(JSON.stringify({ ok: true })),
        (err: unknown) =>
          logger.error({ event: "cancel.failed", goalId, err: errorMessage(err) }, "could not cancel a goal"),
      );
    },
  });
  return { stop: () => sub.unsubscribe() };
}
