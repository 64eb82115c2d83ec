import type { ActionProposal } from "@switchyard/contracts";
import { errorMessage, type Logger } from "@switchyard/infra";
import type { ActionDefinition } from "./define-action.ts";

/** What one run of an action came to. */
export type ActionRunOutcome = { status: "executed"; result: unknown } | { status: "failed"; error: string };

/** Options of {@link runAction}. */
export type RunActionOptions = {
  proposal: ActionProposal;
  /** Args already parsed by the action's input schema. */
  args: unknown;
  timeoutMs: number;
  /** Aborted when the executor stops. */
  signal: AbortSignal;
  logger: Logger;
};

/** The words every "we cannot tell" error ends with, so a reviewer knows what to do. */
export const MAY_HAVE_RUN = "it may have run: a person must check before doing it again";

/**
 * Runs an action once, bounded by `timeoutMs`: an action that ignores its abort signal is not waited for past the
 * timeout. Never throws: an error, a timeout or a stop becomes a `failed` outcome.
 */
export async function runAction(action: ActionDefinition, opts: RunActionOptions): Promise<ActionRunOutcome> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = AbortSignal.any([timeout, opts.signal]);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  aborted.catch(() => undefined); // observed through the race below
  const started = Date.now();
  try {
    // Through a promise, so an action that throws synchronously fails like one that rejects.
    const running = Promise.resolve().then(() =>
      action.run(opts.args, { idempotencyKey: opts.proposal.id, proposal: opts.proposal, signal, logger: opts.logger }),
    );
    // A run that outlives its timeout still settles later; its late error must not become an unhandled rejection.
    running.catch((err: unknown) =>
      opts.logger.debug({ event: "action.late_error", err: errorMessage(err) }, "action failed after it was aborted"),
    );
    const result = await Promise.race([running, aborted]);
    return { status: "executed", result: toJsonValue(result, opts.logger) };
  } catch (err) {
    if (timeout.aborted) {
      return { status: "failed", error: `${action.tool} timed out after ${opts.timeoutMs} ms; ${MAY_HAVE_RUN}` };
    }
    if (opts.signal.aborted) {
      return { status: "failed", error: `the executor stopped while ${action.tool} ran; ${MAY_HAVE_RUN}` };
    }
    return { status: "failed", error: `${action.tool} failed after ${Date.now() - started} ms: ${errorMessage(err)}` };
  } finally {
    if (onAbort !== undefined) signal.removeEventListener("abort", onAbort);
  }
}

/** The result as plain JSON, so the ledger and the outcome carry exactly what a redelivery will republish. */
function toJsonValue(result: unknown, logger: Logger): unknown {
  if (result === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(result)) as unknown;
  } catch (err) {
    // The action did run: record that, with a note instead of the value.
    logger.error({ event: "action.result_unserializable", err: errorMessage(err) }, "action result is not JSON");
    return { unserializableResult: errorMessage(err) };
  }
}
