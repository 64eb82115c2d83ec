import { z } from "zod";
import { wireDocs } from "./wire-docs.ts";
import { HumanAnswer } from "./human-answer.ts";
import { AgentName, GoalId, SubtaskId } from "./ids.ts";

/**
 * One step of an agent's run as it happened, kept in the run's journal (KV `<prefix>_effects`, key
 * `agent.<agent>.journal.<goalId>.<subtaskId>.<root attempt>.<position>`): a model response (what the model was paid
 * for) or a read tool's result. Write and destructive calls are not journaled: the effects ledger replays them.
 */
export const JournalEntry = z
  .discriminatedUnion("kind", [
    z.object({
      kind: z.literal("model"),
      /** The attempt that paid for it: its result reported the usage, unless that attempt died first. */
      attempt: z.int().positive(),
      response: z.object({
        text: z.string(),
        toolCalls: z.array(z.object({ id: z.string(), name: z.string(), args: z.unknown(), rawArgs: z.string() })),
        usage: z.object({ inputTokens: z.number(), outputTokens: z.number() }),
        stopReason: z.enum(["end_turn", "tool_use", "max_tokens", "other"]),
        cached: z.boolean().optional(),
      }),
    }),
    z.object({
      kind: z.literal("read"),
      attempt: z.int().positive(),
      toolCallId: z.string(),
      content: z.string(),
      isError: z.boolean(),
      outcome: z.enum(["ok", "error", "invalid"]),
      /** What the read returned (the entities it names become known to the run). */
      output: z.unknown().optional(),
    }),
  ])
  .register(wireDocs, {
    description:
      "One step of an agent's run as it happened, in the run's journal (KV `<prefix>_effects`): a model response or a " +
      "read tool's result.",
  });
export type JournalEntry = z.infer<typeof JournalEntry>;

/**
 * Which journal an attempt of a subtask writes (`agent.<agent>.journal.<goalId>.<subtaskId>.attempt.<n>`), and the task
 * it was given: what a replay needs besides the entries.
 */
export const JournalAttempt = z
  .object({
    /** The attempt that started the journal: this one, or the earlier one it resumes. */
    root: z.int().positive(),
    input: z.unknown().optional(),
    upstream: z.record(z.string(), z.unknown()).optional(),
    answers: z.array(HumanAnswer).optional(),
    approvedEffects: z.array(z.string()).optional(),
    /** Input fields the plan declared trusted. */
    trustedInput: z.array(z.string()).optional(),
  })
  .register(wireDocs, {
    description: "Which journal an attempt of a subtask writes, and the task it was given: what a replay needs.",
  });
export type JournalAttempt = z.infer<typeof JournalAttempt>;

/**
 * A recorded run: one journal of one subtask, as `switchyard journal <goalId> --json` exports it. Replayed offline
 * against changed code, it reproduces the run step by step; turned into a script, it makes the run a fixture.
 */
export const RecordedRun = z
  .object({
    agent: AgentName,
    goalId: GoalId,
    subtaskId: SubtaskId,
    /** The attempt that started the journal; later attempts that resumed it appended to it. */
    root: z.int().positive(),
    /** The task as the latest attempt of the run was given it. */
    task: JournalAttempt.omit({ root: true }),
    entries: z.array(JournalEntry),
    /**
     * The effects ledger's entries of the run's write calls, by effect key (`{ state, result | error, at }`): a replay
     * replays them instead of running the write.
     */
    effects: z.record(z.string(), z.unknown()).optional(),
  })
  .register(wireDocs, {
    description:
      "A recorded run: one journal of one subtask, as `switchyard journal <goalId> --json` exports it, to replay offline.",
  });
export type RecordedRun = z.infer<typeof RecordedRun>;
