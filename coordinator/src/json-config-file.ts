import { readFileSync } from "node:fs";
import { describeIssues, errorMessage, toValidationIssues } from "@switchyard/infra";
import type { z } from "zod";
import { CoordinatorError } from "./errors.ts";

/**
 * Reads a JSON configuration file named by an environment variable and validates it; an unreadable file, bad JSON
 * or a value that breaks the schema fails start-up with a message naming the variable, the file and the field.
 */
export function readJsonConfigFile<S extends z.ZodType>(variable: string, file: string, schema: S): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new CoordinatorError("SY_ERR_CONFIG_INVALID", "caller", `${variable}=${file}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new CoordinatorError(
      "SY_ERR_CONFIG_INVALID",
      "caller",
      `${variable}=${file}: ${describeIssues(toValidationIssues(parsed.error))}`,
    );
  }
  return parsed.data;
}
