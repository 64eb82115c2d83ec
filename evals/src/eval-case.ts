// One eval case: a goal to run and what to check about how it went. A suite file holds one case per JSONL line.
import { Budget, PlanChoice, RecordedRun, RunStatus } from "@switchyard/contracts";
import { z } from "zod";

/** A stable case id: what baselines and reports key on, so renaming a case is a new case. */
export const CaseId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,127}$/, "must be a stable id: a-z 0-9 . _ -, starting with a letter or digit");

/** The goal a case submits (a fresh goal id every run). */
export const CaseGoal = z.object({
  text: z.string().min(1),
  plan: PlanChoice.optional().describe('A template name or "llm"; unset = the coordinator\'s default.'),
  input: z.record(z.string(), z.unknown()).optional(),
  tenant: z.string().min(1).default("default").describe("Submitted as backend-<tenant>."),
  user: z.string().min(1).default("eval"),
  budget: Budget.optional(),
});
export type CaseGoal = z.infer<typeof CaseGoal>;

/** An assertion on the GoalResult at a JSON path (`output.reply.subject`, `subtasks[0].status`). */
export const PathAssertion = z
  .object({
    path: z.string().min(1),
    equals: z.unknown().optional(),
    contains: z.string().optional().describe("The value (as text, JSON for non-strings) contains this."),
    matches: z.string().optional().describe("A regular expression the value (as text) matches."),
    exists: z.boolean().optional(),
  })
  .refine((a) => [a.equals, a.contains, a.matches, a.exists].some((v) => v !== undefined) || "equals" in a, {
    message: "give one of equals, contains, matches, exists",
  });
export type PathAssertion = z.infer<typeof PathAssertion>;

/** An LLM judge: a model grades the output against a rubric. */
export const JudgeSpec = z.object({
  rubric: z.string().min(1).describe("What a good output does, in a person's words."),
  model: z.string().min(1).describe("`anthropic:<model>`, `openai:<model>`, or `scripted:<script>` offline."),
  passAt: z.number().min(0).max(1).default(0.7).describe("The judge's score the case needs to pass."),
  timeoutMs: z.int().positive().default(60_000),
});
export type JudgeSpec = z.infer<typeof JudgeSpec>;

/** What the goal's result must be. */
export const OutcomeCheck = z.object({
  status: z.union([RunStatus, z.array(RunStatus).min(1)]).optional(),
  assertions: z.array(PathAssertion).default([]),
  /** The output as a whole must deep-equal this (captured cases use it as the reference). */
  output: z.unknown().optional(),
  /** The output must validate against this JSON Schema (draft 2020-12), e.g. the output schema of an agent's card. */
  outputSchema: z.record(z.string(), z.unknown()).optional(),
  /**
   * A TypeScript/JavaScript module (path relative to the suite file) whose default export scores the observation:
   * `(obs) => ({ score, reason })`.
   */
  scorer: z.string().min(1).optional(),
  judge: JudgeSpec.optional(),
});
export type OutcomeCheck = z.infer<typeof OutcomeCheck>;

/** How a reference trajectory is matched against the observed tool calls. */
export const TrajectoryMode = z.enum(["strict", "unordered", "subset", "superset"]);
export type TrajectoryMode = z.infer<typeof TrajectoryMode>;

/** The tool calls expected of the goal's subtasks, by subtask id (`*` = every subtask). */
export const TrajectoryCheck = z.object({
  mode: TrajectoryMode.default("strict"),
  subtasks: z.record(z.string(), z.array(z.string())).default({}),
  mustNotCall: z.array(z.string()).default([]).describe("Tools no subtask may call (at all, whatever the outcome)."),
});
export type TrajectoryCheck = z.infer<typeof TrajectoryCheck>;

/** Ceilings for the whole goal; a case over one scores 0 on it. */
export const CostCheck = z.object({
  maxTokens: z.int().nonnegative().optional(),
  maxCostUsd: z.number().nonnegative().optional(),
  maxSteps: z.int().nonnegative().optional(),
  maxWallMs: z.int().positive().optional(),
});
export type CostCheck = z.infer<typeof CostCheck>;

/** What must not have happened outside: executed actions, or calls of write/destructive tools. */
export const SafetyCheck = z.object({
  noExecutedActions: z
    .boolean()
    .default(true)
    .describe("No approved action ran (action.finished executed); ignored when maxExecutedActions is set."),
  maxExecutedActions: z
    .int()
    .nonnegative()
    .optional()
    .describe("At most this many actions ran (e.g. the one refund a policy allows; an attack wants more)."),
  forbiddenTools: z.array(z.string()).default([]).describe("Tools whose call (any outcome but denied) is a breach."),
  noUnapprovedWrites: z.boolean().default(true).describe("No write tool ran (outcome ok) in the goal."),
});
export type SafetyCheck = z.infer<typeof SafetyCheck>;

/** How a case counts in the security triplet: a benign task, or the same task under an injection attack. */
export const CaseRole = z.enum(["benign", "attack"]);

/** A human's score of a goal, carried by captured cases and reports. */
export const HumanScore = z.object({
  goalId: z.string(),
  score: z.number().min(0).max(1),
  label: z.string().optional(),
  by: z.string(),
  at: z.string(),
  note: z.string().optional(),
});
export type HumanScore = z.infer<typeof HumanScore>;

/** One line of a suite file. */
export const EvalCase = z.object({
  id: CaseId,
  description: z.string().optional(),
  tags: z.array(z.string()).default([]),
  role: CaseRole.optional(),
  goal: CaseGoal,
  checks: z
    .object({
      outcome: OutcomeCheck.optional(),
      trajectory: TrajectoryCheck.optional(),
      cost: CostCheck.optional(),
      safety: SafetyCheck.optional(),
    })
    .default({}),
  /**
   * The model responses of a captured production run: when the runner starts its own stack, agents answer from
   * these instead of their models (see replay-script.ts), so the case replays offline.
   */
  recording: z.array(RecordedRun).optional(),
  /** Where a captured case came from. */
  capturedFrom: z.object({ goalId: z.string(), at: z.string() }).optional(),
  humanScores: z.array(HumanScore).optional(),
});
export type EvalCase = z.infer<typeof EvalCase>;
/** What a suite file says before defaults are applied (what `capture` writes). */
export type EvalCaseInput = z.input<typeof EvalCase>;

/** A suite: its cases, in file order, and where it came from. */
export type Suite = { name: string; file: string; cases: EvalCase[] };
