import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";

// One validator for every case: compiled schemas are cached by the validator itself.
const ajv = new Ajv2020({ strict: false, allErrors: true });

const describe = (e: ErrorObject) =>
  `${e.instancePath === "" ? "(output)" : e.instancePath} ${e.message ?? "is invalid"}`;

/** What in `value` breaks the JSON Schema `schema` (at most five problems); empty when it validates. */
export function schemaProblems(schema: Record<string, unknown>, value: unknown): string[] {
  let validate;
  try {
    validate = ajv.compile(schema);
  } catch (err) {
    return [`the schema does not compile: ${err instanceof Error ? err.message : String(err)}`];
  }
  return validate(value) ? [] : (validate.errors ?? []).slice(0, 5).map(describe);
}
