import { MAX_PLAN_SUBTASKS, Plan, PlannedSubtask, type AgentCard, type Goal } from "@switchyard/contracts";
import { errorMessage } from "@switchyard/infra";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { findCycle } from "../dag.ts";
import { resolveTemplateInput } from "../template-input.ts";

/** Default cap on the subtasks of a planned goal (below the wire's hard cap `MAX_PLAN_SUBTASKS`): 12. */
export const DEFAULT_MAX_PLANNED_SUBTASKS = 12;

/** One thing wrong with a candidate plan: where (subtask id, field) and which rule it broke. */
export type PlanError = { subtaskId?: string; field: string; message: string };

/** Options of {@link validatePlan}. */
export type ValidatePlanOptions = {
  /** The live agent cards; a subtask's agent must be one of them. */
  catalog: readonly AgentCard[];
  /** The goal being planned: `$goal.*` references in inputs are resolved against it. */
  goal: Goal;
  /** Default {@link DEFAULT_MAX_PLANNED_SUBTASKS}; at most `MAX_PLAN_SUBTASKS`. */
  maxSubtasks?: number;
};

/**
 * Checks a candidate plan (e.g. a model's tool-call arguments) against the Plan schema and the live catalog: known
 * agents, inputs that pass each agent's input JSON Schema, `dependsOn` naming existing subtasks, no cycle, at most
 * `maxSubtasks` subtasks. Reports every error it can find at once, so a planner can fix them in one turn.
 *
 * Inputs may hold references, resolved when a subtask is dispatched (see template-input.ts). A string that is
 * exactly `$goal.<path>` is replaced by the goal's value before the input is checked (a reference to nothing leaves
 * the field out, so a required field is reported missing). A string that is exactly `$upstream.<id>[.<path>]` cannot
 * be checked statically: its field is accepted whatever its schema says, but `<id>` must be one of the subtask's
 * `dependsOn` (only those outputs are passed to it).
 */
export function validatePlan(
  candidate: unknown,
  opts: ValidatePlanOptions,
): { ok: true; plan: Plan } | { ok: false; errors: PlanError[] } {
  const cap = Math.min(opts.maxSubtasks ?? DEFAULT_MAX_PLANNED_SUBTASKS, MAX_PLAN_SUBTASKS);
  const errors: PlanError[] = [];
  const parsed = Plan.safeParse(candidate);
  const subtasks = parsed.success ? parsed.data.subtasks : wellFormedSubtasks(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // The cap below says the same thing more precisely.
      if (issue.code === "too_big" && issue.path.length === 1 && issue.path[0] === "subtasks") continue;
      errors.push(fromIssuePath(candidate, issue.path, issue.message));
    }
  }
  const raw = recordOf(candidate)?.["subtasks"];
  const total = Array.isArray(raw) ? raw.length : 0;
  if (total > cap) errors.push({ field: "subtasks", message: `${total} subtasks; a plan may have at most ${cap}` });

  const cards = new Map(opts.catalog.map((c) => [c.name, c]));
  const available = [...cards.keys()].sort().join(", ") || "none";
  for (const subtask of subtasks) {
    const card = cards.get(subtask.agent);
    if (card === undefined) {
      errors.push({
        subtaskId: subtask.id,
        field: "agent",
        message: `unknown agent "${subtask.agent}"; available: ${available}`,
      });
      continue;
    }
    errors.push(...checkInput(subtask, card, opts.goal));
  }
  const cycle = findCycle({ subtasks });
  if (cycle !== undefined) {
    errors.push({ subtaskId: cycle[0], field: "dependsOn", message: `cycle: ${cycle.join(" -> ")}` });
  }
  if (errors.length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, plan: parsed.data };
}

/** One line per error, e.g. `subtask "b" input.keywords: must be array`. */
export function describePlanErrors(errors: readonly PlanError[]): string[] {
  return errors.map((e) => `${e.subtaskId === undefined ? "" : `subtask "${e.subtaskId}" `}${e.field}: ${e.message}`);
}

/** The subtasks that are well-formed on their own, so agents and inputs are checked even when the plan is not. */
function wellFormedSubtasks(candidate: unknown): PlannedSubtask[] {
  const raw = recordOf(candidate)?.["subtasks"];
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((s: unknown) => {
    const parsed = PlannedSubtask.safeParse(s);
    return parsed.success ? [parsed.data] : [];
  });
}

/** Names a zod issue by subtask id (when the path is inside one) and the field under it. */
function fromIssuePath(candidate: unknown, path: readonly PropertyKey[], message: string): PlanError {
  if (path[0] === "subtasks" && typeof path[1] === "number") {
    const id = recordOf((recordOf(candidate)?.["subtasks"] as unknown[] | undefined)?.[path[1]])?.["id"];
    const field = path.slice(2).map(String).join(".") || "(subtask)";
    if (typeof id === "string" && id !== "") return { subtaskId: id, field, message };
    return { field: `subtasks.${path[1]}${field === "(subtask)" ? "" : `.${field}`}`, message };
  }
  return { field: path.map(String).join(".") || "(plan)", message };
}

function checkInput(subtask: PlannedSubtask, card: AgentCard, goal: Goal): PlanError[] {
  const errors: PlanError[] = [];
  const upstreamPaths: string[] = [];
  const input = substitute(
    subtask.input,
    "",
    (pointer, ref) => {
      upstreamPaths.push(pointer);
      const from = ref.split(".")[1] ?? "";
      if (!subtask.dependsOn.includes(from)) {
        errors.push({
          subtaskId: subtask.id,
          field: fieldOf(pointer),
          message: `"${ref}" refers to subtask "${from}", which is not in dependsOn (${subtask.dependsOn.join(", ") || "empty"})`,
        });
      }
    },
    goal,
  );
  let validate: ValidateFunction;
  try {
    validate = validatorFor(card.input);
  } catch (err) {
    return [
      ...errors,
      {
        subtaskId: subtask.id,
        field: "agent",
        message: `agent "${card.name}" publishes an input schema that cannot be used: ${errorMessage(err)}`,
      },
    ];
  }
  if (validate(input)) return errors;
  for (const e of validate.errors ?? []) {
    // A field filled from an upstream output at dispatch time: its value is unknown now.
    if (upstreamPaths.some((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`))) continue;
    errors.push({ subtaskId: subtask.id, field: fieldOf(e.instancePath), message: ajvMessage(e) });
  }
  return errors;
}

/** Resolves `$goal.*` references; reports each `$upstream.*` one (with its JSON pointer) and keeps it as is. */
function substitute(
  value: unknown,
  pointer: string,
  onUpstream: (pointer: string, ref: string) => void,
  goal: Goal,
): unknown {
  if (typeof value === "string") {
    if (value.startsWith("$upstream.")) {
      onUpstream(pointer, value);
      return value;
    }
    return resolveTemplateInput(value, { goal, upstream: {} });
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, `${pointer}/${i}`, onUpstream, goal));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .map(([k, v]) => [k, substitute(v, `${pointer}/${escapePointer(k)}`, onUpstream, goal)] as const)
        .filter(([, v]) => v !== undefined),
    );
  }
  return value;
}

function escapePointer(key: string): string {
  return key.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** `/customer/id` → `input.customer.id`. */
function fieldOf(pointer: string): string {
  const parts = pointer
    .split("/")
    .slice(1)
    .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
  return ["input", ...parts].join(".");
}

function ajvMessage(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === "additionalProperties") return `unknown field "${String(params["additionalProperty"])}"`;
  if (e.keyword === "enum") return `${e.message ?? "invalid"}: ${JSON.stringify(params["allowedValues"])}`;
  return e.message ?? e.keyword;
}

// Compiled validators by schema text: cards change rarely, and compiling is the expensive part.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validators = new Map<string, ValidateFunction>();
const MAX_CACHED_VALIDATORS = 256;

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  const cached = validators.get(key);
  if (cached !== undefined) return cached;
  if (validators.size >= MAX_CACHED_VALIDATORS) validators.clear();
  // `$id`/`$schema` would make ajv register (and refuse to re-register) the schema; the document alone is enough.
  const { $id: _id, $schema: _schema, ...body } = schema;
  const validate = ajv.compile(body);
  validators.set(key, validate);
  return validate;
}

function recordOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
