import { join } from "node:path";
import { parseArgs } from "node:util";
import { connectCli } from "../client.ts";
import { renderGoalResult } from "../render.ts";
import { startStack } from "../stack.ts";
import { WORKSPACE_ROOT } from "../workspace.ts";
import { waitForGoalResult } from "../wait-for-result.ts";
import { buildGoal, submitGoal } from "./goal.ts";
import { untilSignal } from "./up.ts";

export const DEMO_USAGE = `switchyard demo [--plan demo|support] [--nats <url>] [--json] [text]
  Starts a private nats-server (unless --nats/$NATS_URL), the coordinator and the example agents, runs one goal
  with the "demo" plan, prints its result and stops everything. Service logs go to .switchyard/logs/.`;

const DEMO_TEXT =
  "Agents fail in production in boring ways. Budgets stop agents that loop, idempotency keys stop agents that repeat side effects, and approvals stop agents that take destructive actions.";

// The support demo's ticket: a refund above the auto-approval threshold, so it waits for a person.
const SUPPORT_TEXT =
  "Hi, the trail running shoes from order A-1001 fell apart after a week. I would like a refund, please.";
const SUPPORT_INPUT = { customerId: "C-42", orderId: "A-1001" };

/** `switchyard demo`. */
export async function demoCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      nats: { type: "string" },
      json: { type: "boolean", default: false },
      plan: { type: "string", default: "demo" },
    },
  });
  const url = values.nats ?? (process.env["NATS_URL"] || undefined);
  const log = (line: string) => process.stderr.write(`switchyard: ${line}\n`);
  const logDir = join(WORKSPACE_ROOT, ".switchyard", "logs");
  const stack = await startStack({
    nats: url === undefined ? { kind: "private" } : { kind: "url", url },
    output: { kind: "files", dir: logDir },
    log: values.json ? () => {} : log,
  });
  const interrupted = untilSignal().then(() => "interrupted" as const);
  try {
    const bus = await connectCli(undefined, { ...process.env, ...stack.env });
    try {
      const plan = values.plan;
      const goal =
        plan === "support"
          ? buildGoal(positionals[0] ?? SUPPORT_TEXT, { plan, input: JSON.stringify(SUPPORT_INPUT) })
          : buildGoal(positionals[0] ?? DEMO_TEXT, { plan });
      await submitGoal(bus, goal);
      if (!values.json) log(`submitted goal ${goal.id} (plan "${plan}"); service logs: ${logDir}`);
      const outcome = await Promise.race([waitForGoalResult(bus, goal.id, 120_000), interrupted]);
      if (outcome === "interrupted") return 130;
      process.stdout.write(values.json ? `${JSON.stringify(outcome)}\n` : `${renderGoalResult(outcome)}\n`);
      return outcome.status === "ok" ? 0 : 3;
    } finally {
      await bus.close();
    }
  } finally {
    await stack.stop();
  }
}
