import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { z } from "zod";

/** One validator for the process: it compiles each tool's schema once, at start-up. */
const validators = new AjvJsonSchemaValidator();

/**
 * The input schema of an MCP tool as a zod schema the agent loop can use like any tool's: `safeParse` checks a call
 * against the server's JSON Schema (with Ajv, the validator the MCP SDK itself uses), and `z.toJSONSchema` gives back
 * that same JSON Schema, so the model sees exactly what the server published. The arguments pass through unchanged:
 * the server gets what the model sent, defaults and all left to it.
 */
export function jsonSchemaInput(schema: Record<string, unknown>): z.ZodType<unknown> {
  const validate = validators.getValidator(schema);
  return z
    .unknown()
    .superRefine((value, ctx) => {
      const verdict = validate(value);
      if (verdict.valid) return;
      const seen = new Set<string>();
      for (const issue of issuesOf(verdict.errorMessage, value, schema)) {
        // Ajv reports an unexpected property once per property; the issue names them all already.
        const key = `${issue.path.join(".")}: ${issue.message}`;
        if (!seen.has(key)) ctx.addIssue({ code: "custom", ...issue });
        seen.add(key);
      }
    })
    .meta(schema);
}

/**
 * Ajv's message (`data/items/0 must be string, data must have required property 'to'`) as one issue per problem,
 * each with the path of the field it is about, so the model is told which argument to fix.
 */
function issuesOf(
  message: string,
  value: unknown,
  schema: Record<string, unknown>,
): { path: string[]; message: string }[] {
  return message.split(/, (?=data[/ ])/).map((part) => {
    const [, pointer = "", rule = part] = /^data(\S*) (.*)$/.exec(part) ?? [];
    const path = pointer
      .split("/")
      .slice(1)
      .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"));
    const required = /^must have required property '(.+)'$/.exec(rule);
    if (required?.[1] !== undefined) return { path: [...path, required[1]], message: "is required" };
    if (rule === "must NOT have additional properties" && path.length === 0)
      return { path, message: `${rule}: ${unexpectedKeys(value, schema).join(", ")}` };
    return { path, message: rule };
  });
}

/** The top-level keys of `value` that the schema's `properties` do not declare. */
function unexpectedKeys(value: unknown, schema: Record<string, unknown>): string[] {
  const declared = Object.keys((schema["properties"] as Record<string, unknown> | undefined) ?? {});
  return value !== null && typeof value === "object" ? Object.keys(value).filter((k) => !declared.includes(k)) : [];
}
