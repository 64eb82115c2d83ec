// Human scores: a person's score (0..1) and label for a finished goal, kept in an append-only JSONL file so they
// travel with the repository or a CI artifact; captured cases and reports carry them.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { HumanScore } from "./eval-case.ts";

/** Appends a score to the file (created with its directory when missing). */
export function appendHumanScore(file: string, score: HumanScore): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(HumanScore.parse(score))}\n`);
}

/** Every readable score in the file (lines that do not parse are skipped), optionally of one goal. */
export function readHumanScores(file: string, goalId?: string): HumanScore[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .flatMap((line) => {
      if (line.trim() === "") return [];
      try {
        const parsed = HumanScore.safeParse(JSON.parse(line));
        return parsed.success && (goalId === undefined || parsed.data.goalId === goalId) ? [parsed.data] : [];
      } catch {
        return [];
      }
    });
}
