// Trajectories: the ordered tool calls of each subtask, read from the goal's step events, and how a reference
// trajectory is matched against an observed one.
import type { StepEvent } from "@switchyard/contracts";
import type { TrajectoryMode } from "./eval-case.ts";

/** Tool names called by each subtask, in the order of the events (the built-in `final_answer` left out). */
export type Trajectories = Record<string, string[]>;

/** The built-in tool that ends every LLM run: in every trajectory, so it says nothing about the path. */
const FINAL_ANSWER = "final_answer";

/**
 * The tool calls of each subtask, from `tool.call` events. A call is counted once per step, tool and arguments, so a
 * run resumed from its journal (which replays the calls it made before it paused) or retried over the same path
 * does not double its trajectory.
 */
export function trajectoriesOf(events: readonly StepEvent[]): Trajectories {
  const out: Trajectories = {};
  const seen = new Set<string>();
  for (const e of events) {
    if (e.type === "subtask.started") out[e.subtaskId] ??= [];
    if (e.type !== "tool.call" || e.tool === FINAL_ANSWER) continue;
    const key = `${e.subtaskId}/${e.step}/${e.tool}/${e.args}`;
    if (seen.has(key)) continue;
    seen.add(key);
    (out[e.subtaskId] ??= []).push(e.tool);
  }
  return out;
}

/** Result of matching one subtask's trajectory. */
export type TrajectoryMatch = { score: number; reason: string };

const counts = (xs: readonly string[]) => {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
};

/** How many of `wanted` are found in `have`, as multisets. */
function covered(wanted: readonly string[], have: readonly string[]): { found: number; missing: string[] } {
  const left = counts(have);
  const missing: string[] = [];
  let found = 0;
  for (const w of wanted) {
    const n = left.get(w) ?? 0;
    if (n > 0) {
      left.set(w, n - 1);
      found++;
    } else missing.push(w);
  }
  return { found, missing };
}

const list = (xs: readonly string[]) => (xs.length === 0 ? "(none)" : xs.join(" → "));

/**
 * Matches `observed` against `reference`:
 * - `strict`: the same calls in the same order;
 * - `unordered`: the same calls (as a multiset), any order;
 * - `subset`: every observed call is in the reference (the agent did nothing it was not expected to);
 * - `superset`: every reference call was observed (the agent did at least what was expected, maybe more).
 * A pass scores 1; a miss scores the share of calls that agree (a partial credit for reports), with a reason.
 */
export function matchTrajectory(
  mode: TrajectoryMode,
  reference: readonly string[],
  observed: readonly string[],
): TrajectoryMatch {
  const expected = `expected ${list(reference)}, observed ${list(observed)}`;
  switch (mode) {
    case "strict": {
      const same = reference.length === observed.length && reference.every((t, i) => observed[i] === t);
      if (same) return { score: 1, reason: `same calls in order: ${list(observed)}` };
      let prefix = 0;
      while (prefix < reference.length && reference[prefix] === observed[prefix]) prefix++;
      const score = prefix / Math.max(reference.length, observed.length);
      return { score, reason: `differs at call ${prefix + 1}: ${expected}` };
    }
    case "unordered": {
      const { found, missing } = covered(reference, observed);
      const extra = covered(observed, reference).missing;
      if (missing.length === 0 && extra.length === 0) return { score: 1, reason: `same calls: ${list(observed)}` };
      const score = found / Math.max(reference.length, observed.length);
      return { score, reason: `missing ${list(missing)}, unexpected ${list(extra)}: ${expected}` };
    }
    case "subset": {
      const extra = covered(observed, reference).missing;
      if (extra.length === 0) return { score: 1, reason: `every call was expected: ${list(observed)}` };
      return {
        score: (observed.length - extra.length) / observed.length,
        reason: `unexpected ${list(extra)}: ${expected}`,
      };
    }
    case "superset": {
      const { found, missing } = covered(reference, observed);
      if (missing.length === 0) return { score: 1, reason: `every expected call was made: ${list(observed)}` };
      return { score: found / reference.length, reason: `missing ${list(missing)}: ${expected}` };
    }
  }
}
