import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { ROOT } from "../fixtures/processes.ts";

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);

/** What the exported JSON Schema `contracts/schema/<name>.json` finds wrong with `value` (empty: it is valid). */
export function jsonSchemaErrors(name: string, value: unknown): ErrorObject[] {
  const id = `urn:switchyard:schema:${name}`;
  const validate =
    ajv.getSchema(id) ?? ajv.compile(JSON.parse(readFileSync(join(ROOT, "contracts/schema", `${name}.json`), "utf8")));
  return validate(value) ? [] : [...(validate.errors ?? [])];
}
