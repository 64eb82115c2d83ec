import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { Goal, WIRE_VERSION, type GoalResult } from "@switchyard/contracts";
import { describeIssues, errorMessage, publishJson, toValidationIssues, type Bus } from "@switchyard/infra";
import { CliError, connectCli, tenantOf } from "../client.ts";
import { inputHintFor } from "../goals/input-hint.ts";
import { nextSteps } from "../next-steps.ts";
import { viewFor, watchGoal } from "../progress/watch-goal.ts";
import { renderGoalResult } from "../render.ts";
import { waitForGoalResult } from "../wait-for-result.ts";
import { GOAL_SHOW_USAGE, goalShowCommand } from "./goal-show.ts";

export const GOAL_USAGE = `switchyard goal "<text>" [options]  |  switchyard goal show <goalId> [--json]
  Publishes a goal and (by default) waits for its result. \`goal show\` prints a goal's current result or state.
  --plan <name>             template plan to use (default: the coordinator's default, "demo")
  --input <json>            structured input for the plan, a JSON object
  --id <id>                 goal id (default: a new UUID)
  --idempotency-key <key>   submitting twice with the same key runs the goal once
  --tenant <t> --user <u>   attribution (default: $SY_TENANT or "default", $SY_USER or your login); the goal is
                            submitted as the identity backend-<tenant>
  --json                    print the GoalResult as JSON on stdout, nothing else
  --no-wait                 print the goal id and return at once
  --no-progress             do not show progress while waiting. Progress goes to stderr: on a terminal one line
                            per subtask, updated as it is dispatched, starts and finishes (status, tokens, cost);
                            elsewhere one line per step event. Colour only on a terminal, never with NO_COLOR.
  --timeout <seconds>       how long to wait for the result (default 300)
  --nats <url>              NATS server (default: $NATS_URL, else the stack \`switchyard up\` runs)
  --as <identity>           act as this identity (default backend-<tenant>; credentials from $SY_AUTH_DIR)
Exit code: 0 when the goal ended ok, 3 when it ended otherwise, 4 on timeout, 2 on bad usage.

${GOAL_SHOW_USAGE}`;

/** Builds a goal from CLI arguments; bad arguments throw a usage error naming the field. */
export function buildGoal(text: string, values: Record<string, string | boolean | undefined>): Goal {
  let input: unknown;
  if (typeof values["input"] === "string") {
    try {
      input = JSON.parse(values["input"]);
    } catch (err) {
      throw new CliError(`--input is not valid JSON: ${(err as Error).message}`, 2);
    }
  }
  const str = (k: string) => (typeof values[k] === "string" ? values[k] : undefined);
  const candidate = {
    v: WIRE_VERSION,
    id: str("id") ?? randomUUID(),
    idempotencyKey: str("idempotency-key"),
    tenant: str("tenant") ?? (process.env["SY_TENANT"] || "default"),
    user: str("user") ?? (process.env["SY_USER"] || userInfo().username),
    text,
    input,
    plan: str("plan"),
    budget: {},
  };
  const parsed = Goal.safeParse(candidate);
  if (!parsed.success) throw new CliError(`invalid goal: ${describeIssues(toValidationIssues(parsed.error))}`, 2);
  return parsed.data;
}

/**
 * Publishes a goal on its tenant's submit subject; resolves once the goals stream has stored it. The goal id is the
 * `Nats-Msg-Id`: publishing the same goal twice stores it once, and a new goal with a used idempotency key reaches the
 * coordinator, which answers with a `goal.duplicate` event naming the goal that key belongs to.
 */
export async function submitGoal(bus: Bus, goal: Goal): Promise<void> {
  try {
    await publishJson(bus, bus.names.subjects.goalSubmit(goal.tenant), Goal, goal, {
      msgId: goal.id,
      headers: { [bus.names.headers.tenant]: goal.tenant, [bus.names.headers.user]: goal.user },
    });
  } catch (err) {
    throw new CliError(
      `could not submit the goal: ${errorMessage(err)} (is the coordinator running? it sets up the goals stream)`,
    );
  }
}

/** `switchyard goal`. */
export async function goalCommand(argv: string[]): Promise<number> {
  // \`goal -- show\` submits a goal whose text is "show".
  if (argv[0] === "show") return goalShowCommand(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      plan: { type: "string" },
      input: { type: "string" },
      id: { type: "string" },
      "idempotency-key": { type: "string" },
      tenant: { type: "string" },
      user: { type: "string" },
      json: { type: "boolean", default: false },
      "no-wait": { type: "boolean", default: false },
      "no-progress": { type: "boolean", default: false },
      timeout: { type: "string", default: "300" },
      nats: { type: "string" },
      as: { type: "string" },
    },
  });
  if (positionals.length !== 1 || positionals[0] === undefined || positionals[0] === "") {
    throw new CliError(`expected exactly one goal text\n\n${GOAL_USAGE}`, 2);
  }
  const timeoutS = Number(values.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0)
    throw new CliError(`--timeout must be a positive number of seconds`, 2);
  const { bus, ...session } = await connectCli(values, { role: "backend", tenant: values.tenant });
  try {
    const tenant = tenantOf({ bus, ...session }, "submitting a goal");
    if (values.tenant !== undefined && values.tenant !== tenant) {
      throw new CliError(`--tenant ${values.tenant} is not the tenant of identity ${session.identity.name}`, 2);
    }
    const goal = buildGoal(positionals[0], { ...values, tenant });
    await submitGoal(bus, goal);
    if (values["no-wait"]) {
      process.stdout.write(values.json ? `${JSON.stringify({ goalId: goal.id })}\n` : `${goal.id}\n`);
      return 0;
    }
    if (values.json) {
      const result = await waitForGoalResult(bus, { goalId: goal.id, tenant: goal.tenant }, timeoutS * 1000);
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return result.status === "ok" ? 0 : 3;
    }
    process.stderr.write(`goal ${goal.id} submitted; waiting for its result…\n`);
    const watch = values["no-progress"] ? undefined : watchGoal(bus, goal, viewFor(process.stderr));
    let result: GoalResult;
    try {
      result = await waitForGoalResult(bus, { goalId: goal.id, tenant: goal.tenant }, timeoutS * 1000);
    } finally {
      await watch?.stop();
    }
    process.stdout.write(`${renderGoalResult(result)}\n`);
    const hints = [...nextSteps(result, values.nats), (await inputHintFor(bus, goal, result)) ?? []].flat();
    if (hints.length > 0) process.stderr.write(`${hints.join("\n")}\n`);
    return result.status === "ok" ? 0 : 3;
  } finally {
    await bus.close();
  }
}
