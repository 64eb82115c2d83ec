// Trajectory: each subtask's tool calls against its reference, and tools nobody may call.
import { combine, type CheckResult } from "../check-result.ts";
import type { TrajectoryCheck } from "../eval-case.ts";
import { matchTrajectory, type Trajectories } from "../trajectory.ts";

/** Scores the observed trajectories against the case's references; `*` applies to every observed subtask. */
export function checkTrajectory(spec: TrajectoryCheck, observed: Trajectories): CheckResult {
  const parts: Array<{ pass: boolean; reason: string; score: number }> = [];
  for (const [subtaskId, reference] of Object.entries(spec.subtasks)) {
    const targets = subtaskId === "*" ? Object.keys(observed) : [subtaskId];
    for (const id of targets) {
      const calls = observed[id];
      if (calls === undefined) {
        parts.push({ pass: false, score: 0, reason: `${id}: the subtask did not run` });
        continue;
      }
      const m = matchTrajectory(spec.mode, reference, calls);
      parts.push({ pass: m.score === 1, score: m.score, reason: `${id} (${spec.mode}): ${m.reason}` });
    }
  }
  for (const tool of spec.mustNotCall) {
    const callers = Object.entries(observed).filter(([, calls]) => calls.includes(tool));
    parts.push({
      pass: callers.length === 0,
      score: callers.length === 0 ? 1 : 0,
      reason:
        callers.length === 0 ? `${tool} never called` : `${tool} called by ${callers.map(([id]) => id).join(", ")}`,
    });
  }
  const combined = combine("trajectory", parts);
  // Partial credit: the mean of each part's own score, not just the share of passes.
  const score = parts.length === 0 ? 1 : parts.reduce((s, p) => s + p.score, 0) / parts.length;
  return { ...combined, score };
}
