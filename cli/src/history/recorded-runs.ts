// Groups the journal keys of one goal (read from the effects bucket) into the recorded runs they make up: a pure
// function of the keys and values, so it is tested without a bus.
import { JournalAttempt, JournalEntry, RecordedRun } from "@switchyard/contracts";

/** A stored journal key and its parsed JSON value. */
export type StoredKey = { key: string; value: unknown };

/** `agent.<agent>.journal.<goalId>.<subtaskId>.attempt.<n>` or `….<root>.<position>`. */
const JOURNAL_KEY = /^agent\.([^.]+)\.journal\.([^.]+)\.([^.]+)\.(?:attempt\.(\d+)|(\d+)\.(\d+))$/;
/** `agent.<agent>.effect.<goalId>.<subtaskId>.<tool>.<hash>`. */
const EFFECT_KEY = /^agent\.([^.]+)\.effect\.([^.]+)\.([^.]+)\./;

/**
 * The recorded runs of a goal, by agent, subtask and journal (oldest attempt first). Each carries the task as the
 * latest attempt that wrote to it was given it, and the effects ledger's entries of its subtask. Keys or values that
 * do not parse are skipped (counted in `skipped`).
 */
export function recordedRunsOf(goalId: string, stored: readonly StoredKey[]): { runs: RecordedRun[]; skipped: number } {
  const runs = new Map<
    string,
    { agent: string; subtaskId: string; root: number; entries: Map<number, JournalEntry> }
  >();
  const attempts: Array<{ agent: string; subtaskId: string; attempt: number; value: JournalAttempt }> = [];
  const effects = new Map<string, Record<string, unknown>>();
  let skipped = 0;
  for (const { key, value } of stored) {
    const effect = EFFECT_KEY.exec(key);
    if (effect !== null && effect[2] === goalId) {
      const of = `${effect[1]}/${effect[3]}`;
      effects.set(of, { ...effects.get(of), [key]: value });
      continue;
    }
    const m = JOURNAL_KEY.exec(key);
    if (m === null || m[2] !== goalId) {
      skipped++;
      continue;
    }
    const [, agent = "", , subtaskId = "", attempt, root, position] = m;
    if (attempt !== undefined) {
      const parsed = JournalAttempt.safeParse(value);
      if (parsed.success) attempts.push({ agent, subtaskId, attempt: Number(attempt), value: parsed.data });
      else skipped++;
      continue;
    }
    const entry = JournalEntry.safeParse(value);
    if (!entry.success) {
      skipped++;
      continue;
    }
    const id = `${agent}/${subtaskId}/${root}`;
    const run = runs.get(id) ?? { agent, subtaskId, root: Number(root), entries: new Map() };
    run.entries.set(Number(position), entry.data);
    runs.set(id, run);
  }
  const out = [...runs.values()]
    .sort((a, b) => a.agent.localeCompare(b.agent) || a.subtaskId.localeCompare(b.subtaskId) || a.root - b.root)
    .flatMap((run) => {
      const latest = attempts
        .filter((a) => a.agent === run.agent && a.subtaskId === run.subtaskId && a.value.root === run.root)
        .sort((a, b) => b.attempt - a.attempt)[0];
      const { root: _root, ...task } = latest?.value ?? { root: run.root };
      const recorded = RecordedRun.safeParse({
        agent: run.agent,
        goalId,
        subtaskId: run.subtaskId,
        root: run.root,
        task,
        entries: [...run.entries].sort(([a], [b]) => a - b).map(([, e]) => e),
        effects: effects.get(`${run.agent}/${run.subtaskId}`),
      });
      if (!recorded.success) skipped++;
      return recorded.success ? [recorded.data] : [];
    });
  return { runs: out, skipped };
}
