// How the runner reaches a stack: the CLI implements it over the bus (submit, wait, read the events), tests can
// implement it over anything. Keeping the bus out of this package keeps the harness a pure library.
import type { Goal } from "@switchyard/contracts";
import type { Observation } from "./observation.ts";

/** Runs a goal to its end on some stack and returns what it left behind. */
export type GoalDriver = {
  run(goal: Goal, opts: { signal: AbortSignal; timeoutMs: number }): Promise<Observation>;
};
