import { join } from "node:path";
import { parseArgs } from "node:util";
import type { GoalResult } from "@switchyard/contracts";
import { connectCli } from "../client.ts";
import { inputHintFor } from "../goals/input-hint.ts";
import { natsFlag, nextSteps } from "../next-steps.ts";
import { renderGoalResult } from "../render.ts";
import { isWaiting } from "../waiting.ts";
import { startStack } from "../stack.ts";
import { WORKSPACE_ROOT } from "../workspace.ts";
import { waitForGoalResult } from "../wait-for-result.ts";
import { buildGoal, submitGoal } from "./goal.ts";
import { untilSignal } from "../until-signal.ts";

export const DEMO_USAGE = `switchyard demo [--plan demo|support] [--nats <url>] [--insecure] [--json] [text]
  Starts a private nats-server (unless --nats/$NATS_URL), the coordinator, the executor and the example agents, each
  as its own identity on an authorized bus (development credentials in .switchyard/auth, generated on first run),
  runs one goal with the "demo" plan as backend-default, prints its result and stops everything. Service logs go
  to .switchyard/logs/. --insecure runs on an open bus instead (with a warning).
  A goal that waits for a person (--plan support: a refund above the automatic limit needs an approval) keeps the
  stack running: the demo prints the commands to run in another terminal (approvals approve <id>, reject, answer),
  prints each next result as the goal goes on, and stops on Ctrl-C.`;

const DEMO_TEXT =
  "Agents fail in production in boring ways. Budgets stop agents that loop, idempotency keys stop agents that repeat side effects, and approvals stop agents that take destructive actions.";

// The support demo's ticket: a refund above the auto-approval threshold, so it waits for a person.
const SUPPORT_TEXT =
  "Hi, the trail running shoes from order A-1001 fell apart after a week. I would like a refund, please.";
const SUPPORT_INPUT = { customerId: "C-42", orderId: "A-1001" };

/** How long the demo follows a goal that waits for a person (a proposal expires before that anyway). */
const FOLLOW_MS = 24 * 3_600_000;

/** `switchyard demo`. */
export async function demoCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      nats: { type: "string" },
      json: { type: "boolean", default: false },
      plan: { type: "string", default: "demo" },
      insecure: { type: "boolean", default: false },
    },
  });
  const url = values.nats ?? (process.env["NATS_URL"] || undefined);
  const log = (line: string) => process.stderr.write(`switchyard: ${line}\n`);
  const logDir = join(WORKSPACE_ROOT, ".switchyard", "logs");
  const stack = await startStack({
    nats: url === undefined ? { kind: "private" } : { kind: "url", url },
    output: { kind: "files", dir: logDir },
    log: values.json ? () => {} : log,
    insecure: values.insecure,
  });
  const interrupted = untilSignal().then(() => "interrupted" as const);
  try {
    const { bus } = await connectCli({}, { role: "backend", tenant: "default" }, { ...process.env, ...stack.env });
    try {
      const plan = values.plan;
      const goal =
        plan === "support"
          ? buildGoal(positionals[0] ?? SUPPORT_TEXT, { plan, input: JSON.stringify(SUPPORT_INPUT), tenant: "default" })
          : buildGoal(positionals[0] ?? DEMO_TEXT, { plan, tenant: "default" });
      await submitGoal(bus, goal);
      if (!values.json) log(`submitted goal ${goal.id} (plan "${plan}"); service logs: ${logDir}`);
      const print = (result: GoalResult) =>
        process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `${renderGoalResult(result)}\n`);
      const ref = { goalId: goal.id, tenant: goal.tenant };
      const first = await Promise.race([waitForGoalResult(bus, ref, 120_000), interrupted]);
      if (first === "interrupted") return 130;
      print(first);
      const hint = await inputHintFor(bus, goal, first);
      if (hint !== undefined) log(hint);
      if (!isWaiting(first.status)) return first.status === "ok" ? 0 : 3;
      // The goal waits for a person: the stack stays up so they can act on it from another terminal, and the demo
      // follows the goal until it ends; Ctrl-C stops everything.
      let result = first;
      for (let pauses = 1; isWaiting(result.status); pauses++) {
        log(
          `${nextSteps(result, stack.natsUrl).join("\n")}\n` + "the stack keeps running until then (Ctrl-C stops it)",
        );
        const next = await Promise.race([waitForGoalResult(bus, ref, FOLLOW_MS, { pausesSeen: pauses }), interrupted]);
        if (next === "interrupted") return 130;
        result = next;
        print(result);
      }
      log(
        `goal ${goal.id} ended ${result.status}; see how: pnpm switchyard trace ${goal.id}${natsFlag(stack.natsUrl)}\n` +
          "Ctrl-C stops the stack",
      );
      await interrupted;
      return result.status === "ok" ? 0 : 3;
    } finally {
      await bus.close();
    }
  } finally {
    await stack.stop();
  }
}
