// The `switchyard` command. Usage errors exit 2 with a message naming the problem; nothing prints a stack trace.
import { errorMessage } from "@switchyard/infra";
import { CliError } from "./client.ts";
import { AGENTS_USAGE, agentsCommand } from "./commands/agents.ts";
import { ANSWER_USAGE, answerCommand } from "./commands/answer.ts";
import { APPROVALS_USAGE, approvalsCommand } from "./commands/approvals.ts";
import { AUTH_USAGE, authCommand } from "./commands/auth.ts";
import { CANCEL_USAGE, cancelCommand } from "./commands/cancel.ts";
import { CONSOLE_USAGE, consoleCommand } from "./commands/console.ts";
import { COSTS_USAGE, costsCommand } from "./commands/costs.ts";
import { DEMO_USAGE, demoCommand } from "./commands/demo.ts";
import { EVAL_USAGE, evalCommand } from "./commands/eval.ts";
import { GOAL_USAGE, goalCommand } from "./commands/goal.ts";
import { GOALS_USAGE, goalsCommand } from "./commands/goals.ts";
import { JOURNAL_USAGE, journalCommand } from "./commands/journal.ts";
import { REVIEW_USAGE, reviewCommand } from "./commands/review.ts";
import { TRACE_USAGE, traceCommand } from "./commands/trace.ts";
import { UP_USAGE, upCommand } from "./commands/up.ts";
import { cliVersion } from "./version.ts";

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; usage: string }> = {
  up: { run: upCommand, usage: UP_USAGE },
  demo: { run: demoCommand, usage: DEMO_USAGE },
  goal: { run: goalCommand, usage: GOAL_USAGE },
  agents: { run: agentsCommand, usage: AGENTS_USAGE },
  cancel: { run: cancelCommand, usage: CANCEL_USAGE },
  goals: { run: goalsCommand, usage: GOALS_USAGE },
  console: { run: consoleCommand, usage: CONSOLE_USAGE },
  answer: { run: answerCommand, usage: ANSWER_USAGE },
  approvals: { run: approvalsCommand, usage: APPROVALS_USAGE },
  review: { run: reviewCommand, usage: REVIEW_USAGE },
  trace: { run: traceCommand, usage: TRACE_USAGE },
  journal: { run: journalCommand, usage: JOURNAL_USAGE },
  costs: { run: costsCommand, usage: COSTS_USAGE },
  eval: { run: evalCommand, usage: EVAL_USAGE },
  auth: { run: authCommand, usage: AUTH_USAGE },
};

const HELP = `switchyard — a multi-agent coordinator on NATS JetStream

Commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage.split("\n")[0]}`)
  .join("\n")}

Run \`switchyard <command> --help\` for a command's options, \`switchyard --version\` for the version.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (name === "--version" || name === "-v") {
    process.stdout.write(`${cliVersion()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) throw new CliError(`unknown command "${name}"\n\n${HELP}`, 2);
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  return command.run(rest);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  const code =
    err instanceof CliError
      ? err.exitCode
      : (err as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION"
        ? 2
        : 1;
  process.stderr.write(`switchyard: ${errorMessage(err)}\n`);
  if (process.env["SY_DEBUG"]) console.error(err);
  process.exitCode = code;
}
// Open handles (a watcher, a socket) must not keep a finished command alive.
setTimeout(() => process.exit(), 100).unref();
