// What one run of a case left behind: the goal's result, its believed step events, and how long it took.
import type { GoalResult, StepEvent } from "@switchyard/contracts";

/** The raw material every check scores. */
export type Observation = {
  goalId: string;
  result: GoalResult;
  /** The goal's step events, in stream order, already filtered to what their publisher may say. */
  events: StepEvent[];
  /** From submit to result, as the runner measured it. */
  wallMs: number;
};
