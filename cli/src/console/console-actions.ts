import { randomUUID } from "node:crypto";
import {
  ApprovalDecision,
  CancelReply,
  CancelRequest,
  Goal,
  GoalAnswer,
  OutputReview,
  WIRE_VERSION,
} from "@switchyard/contracts";
import {
  describeIssues,
  errorMessage,
  publishJson,
  toValidationIssues,
  type Bus,
  type Identity,
} from "@switchyard/infra";

/** A console action's outcome: done, or why not (a message the page shows as it is). */
export type ActionOutcome = { ok: true; data?: unknown } | { ok: false; status: 400 | 403 | 404 | 502; error: string };

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * What a person does from the console, on the bus as that person: the server's permissions pin the subject token to
 * the identity, so the coordinator records every decision, answer and cancellation as theirs.
 */
export function consoleActions(bus: Bus, person: Identity, submitter?: { bus: Bus; tenant: string }) {
  const who = person.role === "approver" ? person.of : undefined;
  const notAPerson: ActionOutcome = {
    ok: false,
    status: 403,
    error: `the console runs as ${person.name}, not a person (approver-<name>): it can show, not decide`,
  };
  return {
    person: who,
    canSubmit: submitter !== undefined,
    async decide(proposalId: string, decision: "approved" | "rejected", reason?: string): Promise<ActionOutcome> {
      if (who === undefined) return notAPerson;
      if (decision === "rejected" && (reason === undefined || reason.trim() === ""))
        return { ok: false, status: 400, error: "a rejection needs a reason: the goal's result will say why" };
      const parsed = ApprovalDecision.safeParse({
        v: WIRE_VERSION,
        proposalId,
        decision,
        reason: reason?.trim() || undefined,
        at: new Date().toISOString(),
      });
      if (!parsed.success) return invalid(parsed.error);
      await publishJson(bus, bus.names.subjects.approvalDecide(who), ApprovalDecision, parsed.data);
      return { ok: true };
    },
    async answer(goalId: string, text: string, subtaskId?: string): Promise<ActionOutcome> {
      if (who === undefined) return notAPerson;
      const parsed = GoalAnswer.safeParse({ v: WIRE_VERSION, goalId, subtaskId, text, at: new Date().toISOString() });
      if (!parsed.success) return invalid(parsed.error);
      await publishJson(bus, bus.names.subjects.goalAnswer(who), GoalAnswer, parsed.data);
      return { ok: true };
    },
    async review(
      goalId: string,
      subtaskId: string,
      decision: "accept" | "edit" | "reject",
      output?: unknown,
      reason?: string,
    ): Promise<ActionOutcome> {
      if (who === undefined) return notAPerson;
      const parsed = OutputReview.safeParse({
        v: WIRE_VERSION,
        goalId,
        subtaskId,
        decision,
        output: decision === "edit" ? output : undefined,
        reason: reason?.trim() || undefined,
        at: new Date().toISOString(),
      });
      if (!parsed.success) return invalid(parsed.error);
      await publishJson(bus, bus.names.subjects.goalReview(who), OutputReview, parsed.data);
      return { ok: true };
    },
    async cancel(goalId: string, reason: string): Promise<ActionOutcome> {
      if (who === undefined) return notAPerson;
      const parsed = CancelRequest.safeParse({
        v: WIRE_VERSION,
        goalId,
        reason: reason.trim() || `cancelled by ${who} from the console`,
        requestedAt: new Date().toISOString(),
      });
      if (!parsed.success) return invalid(parsed.error);
      try {
        const msg = await bus.nc.request(bus.names.subjects.goalCancel("person", who), JSON.stringify(parsed.data), {
          timeout: REQUEST_TIMEOUT_MS,
        });
        const reply = CancelReply.parse(msg.json());
        if (reply.ok) return { ok: true, data: reply.data };
        return {
          ok: false,
          status: reply.error.code === "SY_ERR_GOAL_UNKNOWN" ? 404 : 400,
          error: reply.error.message,
        };
      } catch (err) {
        return { ok: false, status: 502, error: `no coordinator answered the cancellation: ${errorMessage(err)}` };
      }
    },
    async submit(body: { text: string; plan?: string; input?: unknown; user?: string }): Promise<ActionOutcome> {
      if (submitter === undefined)
        return { ok: false, status: 403, error: "this console has no backend identity to submit goals (--tenant)" };
      const parsed = Goal.safeParse({
        v: WIRE_VERSION,
        id: randomUUID(),
        tenant: submitter.tenant,
        user: body.user?.trim() || who || "console",
        text: body.text,
        plan: body.plan || undefined,
        input: body.input,
        budget: {},
      });
      if (!parsed.success) return invalid(parsed.error);
      const goal = parsed.data;
      await publishJson(submitter.bus, bus.names.subjects.goalSubmit(goal.tenant), Goal, goal, { msgId: goal.id });
      return { ok: true, data: { goalId: goal.id } };
    },
  };
}

/** The console's actions. */
export type ConsoleActions = ReturnType<typeof consoleActions>;

function invalid(error: Parameters<typeof toValidationIssues>[0]): ActionOutcome {
  return { ok: false, status: 400, error: describeIssues(toValidationIssues(error)) };
}
