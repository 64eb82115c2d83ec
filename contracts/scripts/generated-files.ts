import { readdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Files one generator owns in a directory: the ones it wants, and which present files are its own. */
export type GeneratedFiles = {
  dir: string;
  /** File name → content. */
  files: ReadonlyMap<string, string>;
  /** Whether a file present in `dir` is one this generator writes (so a file it no longer wants is removed). */
  owns: (file: string) => boolean;
};

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined; // not written yet
  }
}

/**
 * Brings the directories up to date, or with `check` only lists what differs: `missing X`, `stale X`, `unexpected X`
 * (relative to `root`). Returns that list; empty when everything was (or now is) up to date.
 */
export function syncGeneratedFiles(sets: readonly GeneratedFiles[], check: boolean, root: string): string[] {
  const problems: string[] = [];
  for (const { dir, files, owns } of sets) {
    const shown = (file: string) => join(dir, file).slice(root.length + 1);
    for (const [file, text] of files) {
      const current = readOrUndefined(join(dir, file));
      if (current === text) continue;
      if (check) problems.push(`${current === undefined ? "missing" : "stale"} ${shown(file)}`);
      else writeFileSync(join(dir, file), text);
    }
    for (const file of readdirSync(dir).filter((f) => owns(f) && !files.has(f))) {
      if (check) problems.push(`unexpected ${shown(file)}`);
      else unlinkSync(join(dir, file));
    }
  }
  return problems;
}
