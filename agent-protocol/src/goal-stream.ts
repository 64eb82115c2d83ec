// One prompt, one goal: submit it, relay its progress as response chunks, and end the stream where the goal ends —
// its output as the last chunk, a query when it needs a person's input (the reply answers it and the stream goes on),
// its state when it waits for an approval or a review, an error when it failed.
import type { GoalResult } from "@switchyard/contracts";
import type { Bus, Logger } from "@switchyard/infra";
import type { PromptContext } from "./agent-host.ts";
import type { BridgeConfig } from "./bridge-config.ts";
import { askCaller, queryReplySubject } from "./caller-query.ts";
import { answerGoal } from "./goal-answer.ts";
import { followGoal } from "./goal-follower.ts";
import { goalFromPrompt, submitGoal } from "./goal-submission.ts";
import { createProgressRelay } from "./progress-relay.ts";
import type { AgentAddress } from "./protocol.ts";

/** What a goal stream needs from the bridge. */
export type GoalStreamDeps = {
  bus: Bus;
  config: BridgeConfig;
  address: AgentAddress;
  /** The person token answers are published under (the bridge's identity name). */
  answerAs: string;
  logger: Logger;
};

/** How often the loop looks up from waiting, to notice a stop or the end of its time. */
const POLL_MS = 1_000;

/** The text of a goal's output: a string as it is, anything else as JSON. */
export function outputText(output: unknown): string {
  if (typeof output === "string") return output;
  return output === undefined ? "(the goal has no output)" : JSON.stringify(output, null, 2);
}

/** The open questions of the subtasks a paused goal waits on, one per line. */
function questionsOf(result: GoalResult): string {
  const questions = result.subtasks.flatMap((s) =>
    s.status === "needs_input" ? (s.assessment?.unknown ?? []).map((q) => `${s.subtaskId}: ${q}`) : [],
  );
  return questions.length > 0 ? questions.join("\n") : "The goal needs more information to go on. What should it use?";
}

/**
 * Asks the caller the paused goal's questions in a query chunk; its reply answers the goal. Without a reply (none in
 * time, or the bridge stopping) it says how the goal can still be answered, and returns false: the stream ends.
 */
async function answerFromCaller(
  deps: GoalStreamDeps,
  ctx: PromptContext,
  goalId: string,
  result: GoalResult,
): Promise<boolean> {
  const { bus, config } = deps;
  const outcome = await askCaller(bus.nc, ctx.reply, {
    replySubject: queryReplySubject(deps.address),
    question: questionsOf(result),
    timeoutMs: config.queryTimeoutMs,
    signal: ctx.signal,
  });
  if (!outcome.answered) {
    const why =
      outcome.reason === "timeout" ? `no answer within ${config.queryTimeoutMs / 1_000} s` : "the bridge is stopping";
    ctx.reply.send(
      `${why}: goal ${goalId} waits for input (needs_input); answer it with \`switchyard answer ${goalId} "…"\`\n`,
    );
    return false;
  }
  await answerGoal(bus, goalId, outcome.text, deps.answerAs);
  deps.logger.info({ event: "protocol.goal_answered", goalId }, "the caller answered the goal's question");
  return true;
}

/** Runs one prompt as a goal on `ctx.reply`; returns when the stream should end (the host sends the terminator). */
export async function streamGoal(deps: GoalStreamDeps, ctx: PromptContext): Promise<void> {
  const { bus, config, logger } = deps;
  const { reply, signal } = ctx;
  const goal = goalFromPrompt(ctx.envelope.prompt, config);
  const log = logger.child({ goalId: goal.id });
  const follower = followGoal(bus, { tenant: goal.tenant, goalId: goal.id });
  const goesOn = `follow it with \`switchyard goal show ${goal.id}\``;
  try {
    await submitGoal(bus, goal);
    log.info({ event: "protocol.goal_submitted", plan: goal.plan }, "prompt submitted as a goal");
    reply.send(`goal ${goal.id} submitted (tenant ${goal.tenant}, plan ${goal.plan ?? "default"})\n`);
    const deadline = Date.now() + config.maxStreamMs;
    const progress = createProgressRelay(reply);
    let answeredPause: string | undefined;
    for (;;) {
      if (signal.aborted) return reply.send(`the bridge is stopping; goal ${goal.id} goes on: ${goesOn}\n`);
      const left = deadline - Date.now();
      if (left <= 0)
        return reply.send(`goal ${goal.id} is still running after ${config.maxStreamMs / 1_000} s: ${goesOn}\n`);
      const update = await follower.next(Math.min(left, POLL_MS));
      if (update === "timeout") continue;
      if (update.type === "event") {
        progress.relay(update.event);
        continue;
      }
      const result = update.result;
      // The pause just answered, announced once more (a resend after a coordinator restart): not a new question.
      if (result.status === "needs_input" && result.finishedAt === answeredPause) continue;
      await progress.settle(follower, result);
      log.info({ event: "protocol.goal_result", status: result.status }, `goal ${result.status}`);
      switch (result.status) {
        case "ok":
          return reply.send(outputText(result.output));
        case "needs_input":
          if (!(await answerFromCaller(deps, ctx, goal.id, result))) return;
          answeredPause = result.finishedAt;
          continue;
        case "needs_approval":
          return reply.send(
            `goal ${goal.id} waits for approval (needs_approval) of ${result.pendingApprovals.join(", ") || "a proposal"}: ` +
              `a person decides with \`switchyard approvals list\`; then ${goesOn}\n`,
          );
        case "needs_review":
          return reply.send(`goal ${goal.id} waits for a person to review an output (needs_review): ${goesOn}\n`);
        default: {
          const why = result.failure === undefined ? "" : `: ${result.failure.kind}: ${result.failure.message}`;
          return reply.fail(500, `goal ${goal.id} ended ${result.status}${why}`, {
            error: result.status,
            message: result.failure?.message ?? `the goal ended ${result.status}`,
            goal_id: goal.id,
          });
        }
      }
    }
  } finally {
    await follower.close();
  }
}
