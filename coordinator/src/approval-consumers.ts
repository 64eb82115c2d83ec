import { ActionOutcome, ActionProposal, ApprovalDecision } from "@switchyard/contracts";
import {
  ensureConsumer,
  startConsumer,
  type DeliveryContext,
  type RunningConsumer,
  type Span,
} from "@switchyard/infra";
import type { z } from "zod";
import type { ApprovalFlow } from "./approvals.ts";
import type { CoordinatorDeps } from "./deps.ts";

/**
 * The three inputs of the approval flow, each a durable consumer on the proposals stream: proposals from agents,
 * decisions from people, and outcomes from the executor. A bad message is reported as an event and dropped.
 */
export async function startApprovalConsumers(
  deps: CoordinatorDeps,
  flow: ApprovalFlow,
  maxDeliver: number,
  traced: (ctx: DeliveryContext, fn: (span: Span) => Promise<void>) => Promise<void>,
): Promise<RunningConsumer[]> {
  const { bus, logger } = deps;
  const { names } = bus;
  const start = async <S extends z.ZodType>(
    durable: string,
    subject: string,
    schema: S,
    what: string,
    handle: (v: z.output<S>) => Promise<void>,
  ) => {
    await ensureConsumer(bus, { stream: names.streams.proposals, durable, filterSubject: subject, maxDeliver });
    return startConsumer({
      bus,
      stream: names.streams.proposals,
      durable,
      schema,
      what,
      logger,
      maxDeliver,
      handle: (value, ctx) => traced(ctx, () => handle(value)),
      onInvalid: async (bad) => {
        await deps.events.emitSafely({
          type: "message.rejected",
          subject: bad.subject,
          reason: bad.reason,
          issues: bad.issues,
        });
      },
    });
  };
  return [
    await start(names.consumers.coordinatorProposals, names.subjects.proposals, ActionProposal, "proposal", (p) =>
      flow.onProposal(p),
    ),
    await start(
      names.consumers.coordinatorDecisions,
      names.subjects.approvalDecide,
      ApprovalDecision,
      "approval decision",
      (d) => flow.onDecision(d),
    ),
    await start(
      names.consumers.coordinatorOutcomes,
      names.subjects.actionOutcome,
      ActionOutcome,
      "action outcome",
      (o) => flow.onOutcome(o),
    ),
  ];
}
