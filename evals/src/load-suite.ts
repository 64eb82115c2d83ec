// Reads suite files (JSONL: one case per line; blank lines and lines starting with `//` are skipped) and validates
// every case, reporting every problem at once as `file:line: field: rule`.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { describeIssues, toValidationIssues } from "@switchyard/infra";
import { EvalCase, type Suite } from "./eval-case.ts";
import { EvalError } from "./errors.ts";

/** Parses the text of a suite file; `file` names it in errors. Throws one EvalError listing every bad line. */
export function parseSuite(text: string, file: string): Suite {
  const cases: EvalCase[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    const at = `${file}:${i + 1}`;
    if (line === "" || line.startsWith("//")) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      problems.push(`${at}: not valid JSON (${(err as Error).message})`);
      return;
    }
    const parsed = EvalCase.safeParse(json);
    if (!parsed.success) {
      const id = (json as { id?: unknown } | null)?.id;
      problems.push(
        `${at}${typeof id === "string" ? ` (case "${id}")` : ""}: ${describeIssues(toValidationIssues(parsed.error))}`,
      );
      return;
    }
    const first = seen.get(parsed.data.id);
    if (first !== undefined) {
      problems.push(`${at}: id: "${parsed.data.id}" is already the id of line ${first}`);
      return;
    }
    seen.set(parsed.data.id, i + 1);
    cases.push(parsed.data);
  });
  if (problems.length > 0) {
    throw new EvalError("SY_ERR_EVAL_SUITE_INVALID", "caller", `invalid suite:\n  ${problems.join("\n  ")}`);
  }
  return { name: basename(file).replace(/\.jsonl$/, ""), file, cases };
}

/** Reads and parses a suite file. */
export function loadSuite(file: string): Suite {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new EvalError("SY_ERR_EVAL_SUITE_INVALID", "caller", `cannot read suite ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return parseSuite(text, file);
}

/** Serializes cases as a suite file (one JSON object a line). */
export function formatSuite(cases: readonly unknown[]): string {
  return cases.map((c) => JSON.stringify(c)).join("\n") + "\n";
}
