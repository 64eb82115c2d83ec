// What the gateway does to goals on the bus, as `switchyard goal`, `cancel` and `answer` do it: submit one for its
// tenant, read its record, ask the coordinator to cancel it, answer its question.
import { CancelReply, CancelRequest, Goal, GoalAnswer, GoalRecord, WIRE_VERSION } from "@switchyard/contracts";
import { errorMessage, getJson, publishJson, type Buckets, type Bus } from "@switchyard/infra";
import { A2aError } from "./errors.ts";

/** How long the coordinator has to answer a cancel request. */
const CANCEL_REQUEST_MS = 15_000;

/**
 * Publishes a goal on its tenant's submit subject; resolves once the goals stream has stored it. The goal id is the
 * `Nats-Msg-Id`, so a retried publish stores it once.
 */
export async function submitGoal(bus: Bus, goal: Goal): Promise<void> {
  try {
    await publishJson(bus, bus.names.subjects.goalSubmit(goal.tenant), Goal, goal, {
      msgId: goal.id,
      headers: { [bus.names.headers.tenant]: goal.tenant, [bus.names.headers.user]: goal.user },
    });
  } catch (err) {
    throw new A2aError(
      "SY_ERR_A2A_INTERNAL",
      `could not submit the goal: ${errorMessage(err)} (is the coordinator running? it sets up the goals stream)`,
      { cause: err },
    );
  }
}

/** A goal's record as the coordinator keeps it; `undefined` when there is none (unknown, or no longer kept). */
export async function readGoalRecord(bus: Bus, kv: Buckets["goals"], goalId: string): Promise<GoalRecord | undefined> {
  try {
    return (await getJson(kv, bus.names.keys.goal(goalId), GoalRecord))?.value;
  } catch (err) {
    throw new A2aError("SY_ERR_A2A_INTERNAL", `could not read goal ${goalId}: ${errorMessage(err)}`, { cause: err });
  }
}

/** Asks the coordinator to cancel a goal of `tenant`; its reply says how the goal ended, or why nothing changed. */
export async function requestCancel(bus: Bus, tenant: string, goalId: string, reason: string): Promise<CancelReply> {
  const request = CancelRequest.parse({
    v: WIRE_VERSION,
    goalId,
    reason,
    requestedAt: new Date().toISOString(),
  });
  try {
    const msg = await bus.nc.request(bus.names.subjects.goalCancel("tenant", tenant), JSON.stringify(request), {
      timeout: CANCEL_REQUEST_MS,
    });
    return CancelReply.parse(msg.json());
  } catch (err) {
    throw new A2aError("SY_ERR_A2A_INTERNAL", `no coordinator answered the cancel request: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

/** Answers every subtask of a goal that waits for input, as the person `answerer` (the gateway's own name). */
export async function answerGoal(bus: Bus, answerer: string, goalId: string, text: string): Promise<void> {
  const answer = GoalAnswer.parse({ v: WIRE_VERSION, goalId, text, at: new Date().toISOString() });
  try {
    await publishJson(bus, bus.names.subjects.goalAnswer(answerer), GoalAnswer, answer);
  } catch (err) {
    throw new A2aError("SY_ERR_A2A_INTERNAL", `could not send the answer: ${errorMessage(err)}`, { cause: err });
  }
}
