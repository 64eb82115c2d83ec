import type { Msg } from "@nats-io/transport-node";
import { errorMessage, respondToInbox, type Bus, type Logger } from "@switchyard/infra";

/**
 * Serves core NATS requests on `subject` in the coordinators' queue group (one replica answers each). `answer` replies
 * itself; if it throws, the requester gets an `SY_ERR_INTERNAL` error reply. Stopping waits (bounded) for answers in
 * progress.
 */
export function serveRequests(opts: {
  bus: Bus;
  subject: string;
  logger: Logger;
  /** The log event of an answer that failed, e.g. `cancel.failed`. */
  failedEvent: string;
  answer(msg: Msg): Promise<void>;
}): { stop(): Promise<void> } {
  const pending = new Set<Promise<void>>();
  const sub = opts.bus.nc.subscribe(opts.subject, {
    queue: "coordinator",
    callback: (_err, msg) => {
      const task = opts.answer(msg).catch((err: unknown) => {
        opts.logger.error({ event: opts.failedEvent, subject: msg.subject, err: errorMessage(err) }, "request failed");
        const error = { code: "SY_ERR_INTERNAL", message: errorMessage(err) };
        respondToInbox(msg, JSON.stringify({ ok: false, error }));
      });
      pending.add(task);
      void task.finally(() => pending.delete(task));
    },
  });
  return {
    async stop() {
      // Stop taking requests; answers in progress get a moment to finish (the goals themselves go on).
      sub.unsubscribe();
      await Promise.race([Promise.allSettled([...pending]), new Promise((r) => setTimeout(r, 1_000).unref())]);
    },
  };
}
