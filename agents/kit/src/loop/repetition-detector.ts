import { canonicalJson } from "@switchyard/infra";

/** Why the detector stopped a run. */
export type RepetitionVerdict = { looping: false } | { looping: true; reason: string };

/**
 * Deterministic loop detection over the sequence of valid tool calls: the same tool with the same canonical
 * arguments `repeatLimit` times in one run, or an A-B-A-B cycle (two different calls alternating twice).
 */
export function createRepetitionDetector(repeatLimit: number) {
  const history: string[] = [];
  const counts = new Map<string, number>();
  return {
    record(tool: string, args: unknown): RepetitionVerdict {
      const key = `${tool} ${canonicalJson(args ?? null)}`;
      history.push(key);
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      if (n >= repeatLimit) return { looping: true, reason: `${tool} was called ${n} times with the same arguments` };
      const [a, b, c, d] = history.slice(-4);
      if (a !== undefined && b !== undefined && d !== undefined && a === c && b === d && a !== b) {
        return { looping: true, reason: `tool calls alternate in a cycle: ${a.split(" ")[0]} / ${b.split(" ")[0]}` };
      }
      return { looping: false };
    },
  };
}
