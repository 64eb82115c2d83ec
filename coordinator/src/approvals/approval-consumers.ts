import { ActionOutcome, ActionProposal, AgentName, ApprovalDecision, PersonId } from "@switchyard/contracts";
import {
  ensureConsumer,
  startConsumer,
  type DeliveryContext,
  type RunningConsumer,
  type Span,
} from "@switchyard/infra";
import type { z } from "zod";
import type { CoordinatorDeps } from "../deps.ts";
import { senderOf } from "../senders.ts";
import type { ApprovalAuthority } from "./approval-authority.ts";

/** Names the sender a subject's last token stands for, or says why it cannot be one. */
type SenderCheck = z.ZodType<string>;

/**
 * The three inputs of the approval authority, each a durable consumer on the proposals stream: proposals from agents
 * (`proposals.<agent>`), decisions from people (`approvals.decide.<person>`), and outcomes from the executor. Each
 * adapter only turns a message and its subject's sender into a call; a bad message is reported and dropped.
 */
export async function startApprovalConsumers(
  deps: CoordinatorDeps,
  authority: ApprovalAuthority,
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
    sender: SenderCheck | undefined,
    handle: (v: z.output<S>, sender: string) => Promise<void>,
    /** The trace a message that carries none belongs to. */
    traceOf?: (v: z.output<S>) => Promise<Record<string, string>>,
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
      handle: async (value, ctx) => {
        const headers =
          ctx.headers["traceparent"] === undefined && traceOf !== undefined
            ? { ...ctx.headers, ...(await traceOf(value)) }
            : ctx.headers;
        await traced({ ...ctx, headers }, () => handle(value, senderOf(ctx.subject)));
      },
      onInvalid: async (bad) => {
        const from = senderOf(bad.subject);
        await deps.rejections.report({
          subject: bad.subject,
          sender: sender?.safeParse(from).success === true ? from : undefined,
          reason: bad.reason,
          issues: bad.issues,
        });
      },
    });
  };
  return [
    await start(
      names.consumers.coordinatorProposals,
      names.subjects.proposalsAll,
      ActionProposal,
      "proposal",
      AgentName,
      (p, agent) => authority.receive(p, agent),
    ),
    await start(
      names.consumers.coordinatorDecisions,
      names.subjects.approvalDecideAll,
      ApprovalDecision,
      "approval decision",
      PersonId,
      (d, person) => authority.onDecision(d, person),
      (d) => authority.traceOf(d.proposalId),
    ),
    await start(
      names.consumers.coordinatorOutcomes,
      names.subjects.actionOutcome,
      ActionOutcome,
      "action outcome",
      undefined,
      (o) => authority.onOutcome(o),
    ),
  ];
}
