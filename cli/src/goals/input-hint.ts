// A goal whose plan reads fields of the goal's input that it was not given fails on a subtask's input schema; this
// says which `--input` the plan needs, read from the plan the coordinator made (its `plan.created` event).
import { StepEvent, type Goal, type GoalResult, type Plan } from "@switchyard/contracts";
import { readStoredJson, type Bus } from "@switchyard/infra";

const REFERENCE = "$goal.input.";

function referencesIn(value: unknown, into: Set<string>): void {
  if (typeof value === "string") {
    if (value.startsWith(REFERENCE)) into.add(value.slice(REFERENCE.length));
  } else if (Array.isArray(value)) {
    for (const v of value) referencesIn(v, into);
  } else if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) referencesIn(v, into);
  }
}

function lookup(input: unknown, path: string): unknown {
  let current = input;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The `$goal.input.<path>` references in the plan's subtask inputs that `input` holds no value for, in plan order. */
export function missingGoalInput(plan: Plan, input: Goal["input"]): string[] {
  const paths = new Set<string>();
  for (const s of plan.subtasks) referencesIn(s.input, paths);
  return [...paths].filter((path) => lookup(input, path) === undefined);
}

/** `{"orderId": "…", "customer": {"id": "…"}}` for the paths `orderId` and `customer.id`. */
export function exampleInput(paths: readonly string[]): string {
  const example: Record<string, unknown> = {};
  for (const path of paths) {
    const keys = path.split(".");
    let at = example;
    keys.forEach((key, i) => {
      if (i === keys.length - 1) at[key] = "…";
      else at = (at[key] ??= {}) as Record<string, unknown>;
    });
  }
  return JSON.stringify(example).replace(/":/g, '": ').replace(/,"/g, ', "');
}

/** The hint for a plan that read input fields the goal lacks. */
export function inputHint(plan: string, missing: readonly string[]): string {
  return (
    `plan "${plan}" reads ${missing.join(", ")} from the goal's input, which the goal did not have: ` +
    `submit it with --input '${exampleInput(missing)}'`
  );
}

/** Whether the goal failed on bad input (a subtask's input schema): the case the hint is for. */
function failedOnInput(result: GoalResult): boolean {
  return result.failure?.kind === "bad_input" || result.subtasks.some((s) => s.failure?.kind === "bad_input");
}

/**
 * The hint for a goal that failed on a subtask's input because its plan reads goal input fields it was not given;
 * undefined otherwise (or when the plan cannot be read).
 */
export async function inputHintFor(bus: Bus, goal: Goal, result: GoalResult): Promise<string | undefined> {
  if (!failedOnInput(result)) return undefined;
  const { subjects, streams, sources } = bus.names;
  const read = await readStoredJson(bus, streams.events, subjects.events(goal.tenant, goal.id, sources.coordinator), {
    timeoutMs: 5_000,
  }).catch(() => undefined);
  for (const raw of read?.values ?? []) {
    const e = StepEvent.safeParse(raw);
    if (!e.success || e.data.type !== "plan.created") continue;
    const missing = missingGoalInput(e.data.plan, goal.input);
    return missing.length === 0 ? undefined : inputHint(goal.plan ?? "(default)", missing);
  }
  return undefined;
}
