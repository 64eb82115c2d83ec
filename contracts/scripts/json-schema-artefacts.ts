import type { z } from "zod";

type JsonSchema = z.core.JSONSchema.BaseSchema;

/**
 * Removes what zod writes for JavaScript's sake and other languages trip on (the `override` of `z.toJSONSchema`):
 * - integers get no ±(2^53 - 1) bounds (JavaScript's safe range, not a rule of the contract), and `> 0` becomes
 *   `minimum: 1`;
 * - a date-time is `format: date-time` alone, without zod's long regular expression of the same rule;
 * - an integer constant (the wire version `v`) is typed `integer`, not `number`.
 */
export function removeZodArtefacts({
  zodSchema,
  jsonSchema,
}: {
  zodSchema: z.core.$ZodType;
  jsonSchema: JsonSchema;
}): void {
  if (jsonSchema.type === "integer") {
    if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
    if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
    const exclusive = jsonSchema.exclusiveMinimum;
    if (typeof exclusive === "number" && jsonSchema.minimum === undefined) {
      jsonSchema.minimum = Math.floor(exclusive) + 1;
      delete jsonSchema.exclusiveMinimum;
    }
  }
  // A described date-time refers to its `$defs` entry for the format, but zod repeats the pattern beside the `$ref`.
  if (jsonSchema.format === "date-time" || isDateTime(zodSchema)) delete jsonSchema.pattern;
  if (jsonSchema.type === "number" && typeof jsonSchema.const === "number" && Number.isInteger(jsonSchema.const)) {
    jsonSchema.type = "integer";
  }
}

function isDateTime(zodSchema: z.core.$ZodType): boolean {
  return (zodSchema._zod.def as { format?: unknown }).format === "datetime";
}
