import { parseArgs } from "node:util";
import { GoalId, OutputReview, SubtaskId, WIRE_VERSION } from "@switchyard/contracts";
import { describeIssues, publishJson, toValidationIssues } from "@switchyard/infra";
import { CliError } from "../client.ts";
import { takePersonStep, timeoutMsOf } from "../person-step.ts";

export const REVIEW_USAGE = `switchyard review <goalId> <subtaskId> accept|edit|reject [--output '<json>'] [--reason "<why>"] [--json] [--timeout <s>] [--nats <url>] [--as <identity>]
  Reviews an output the plan held for a person (a goal paused needs_review; \`switchyard console\` shows them too):
  accept it, edit it (--output: the corrected output, JSON), or reject it (--reason: why; the subtask fails
  policy_denied). Prints the goal's next result. Recorded as the person's identity (default approver-<login>).
Exit code: 0 the goal ended ok, 3 it ended otherwise or paused again, 4 no result before --timeout, 2 bad usage.`;

/** `switchyard review`. */
export async function reviewCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: "string" },
      reason: { type: "string" },
      json: { type: "boolean", default: false },
      timeout: { type: "string", default: "300" },
      nats: { type: "string" },
      as: { type: "string" },
    },
  });
  const [goalArg, subtaskArg, decision] = positionals;
  const goalId = GoalId.safeParse(goalArg);
  const subtaskId = SubtaskId.safeParse(subtaskArg);
  if (positionals.length !== 3 || !goalId.success || !subtaskId.success)
    throw new CliError(`expected a goal id, a subtask id and accept, edit or reject\n\n${REVIEW_USAGE}`, 2);
  let output: unknown;
  if (values.output !== undefined) {
    try {
      output = JSON.parse(values.output);
    } catch (err) {
      throw new CliError(`--output is not valid JSON: ${(err as Error).message}`, 2);
    }
  }
  const parsed = OutputReview.safeParse({
    v: WIRE_VERSION,
    goalId: goalId.data,
    subtaskId: subtaskId.data,
    decision,
    output,
    reason: values.reason,
    at: new Date().toISOString(),
  });
  if (!parsed.success) throw new CliError(`invalid review: ${describeIssues(toValidationIssues(parsed.error))}`, 2);
  const review = parsed.data;
  return takePersonStep({
    ...values,
    goalId: goalId.data,
    json: values.json,
    timeoutMs: timeoutMsOf(values.timeout),
    what: "reviews",
    refusal: (record) => {
      const state = record.subtasks[subtaskId.data];
      return state?.type !== "finished" || state.result.status !== "needs_review"
        ? `subtask ${subtaskId.data} of goal ${goalId.data} has no output waiting for a review`
        : undefined;
    },
    send: async (bus, person) => {
      await publishJson(bus, bus.names.subjects.goalReview(person), OutputReview, review);
    },
  });
}
