import type { ValidationIssue } from "@switchyard/contracts";
import type { z } from "zod";

/** A decoded and validated message, or the reason it is not one. */
export type Decoded<T> =
  { ok: true; value: T } | { ok: false; reason: string; issues: ValidationIssue[]; raw: unknown };

/** Zod issues as `path: message` pairs, e.g. `{ path: "budget.maxSteps", message: "Too small: expected number to be >0" }`. */
export function toValidationIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((i) => ({
    path: i.path.length === 0 ? "(root)" : i.path.map(String).join("."),
    message: i.message,
  }));
}

/** One line naming every problem, for logs and failure messages. */
export function describeIssues(issues: ValidationIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join("; ");
}

/** Parses JSON bytes and validates them against `schema`; never throws. */
export function decodeJson<S extends z.ZodType>(schema: S, data: Uint8Array, what: string): Decoded<z.output<S>> {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(data));
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return {
      ok: false,
      reason: `${what} is not valid JSON (${detail})`,
      issues: [{ path: "(root)", message: detail }],
      raw: undefined,
    };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = toValidationIssues(parsed.error);
  return { ok: false, reason: `${what} does not match its schema: ${describeIssues(issues)}`, issues, raw };
}
