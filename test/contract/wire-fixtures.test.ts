// The frozen example messages are the wire contract in practice: every valid one must parse, both with the zod
// schemas and with the exported JSON Schema a backend in another language would use, and every invalid one must
// fail at the field it is about.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { WIRE_SCHEMAS } from "@switchyard/contracts";
import { toValidationIssues } from "@switchyard/infra";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";

type Fixture = { schema: keyof typeof WIRE_SCHEMAS; message: unknown; expectPath?: string };

const root = join(import.meta.dirname, "..", "fixtures", "messages");
const schemaDir = join(import.meta.dirname, "..", "..", "contracts", "schema");
const load = (dir: string) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith(".json"))
    .map((f) => [f, JSON.parse(readFileSync(join(root, dir, f), "utf8")) as Fixture] as const);

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
const jsonSchemaFor = (name: string) => {
  const doc = JSON.parse(readFileSync(join(schemaDir, `${name}.json`), "utf8")) as { $id: string };
  return ajv.getSchema(doc.$id) ?? ajv.compile(doc);
};

const valid = load("valid");
const invalid = load("invalid");

describe("frozen wire fixtures", () => {
  it("cover every exported schema name they claim", () => {
    for (const [file, fx] of [...valid, ...invalid]) expect(WIRE_SCHEMAS, file).toHaveProperty(fx.schema);
    expect(valid.length).toBeGreaterThan(10);
    expect(invalid.length).toBeGreaterThan(10);
  });

  it.each(valid)("valid %s parses with zod", (_file, fx) => {
    const parsed = WIRE_SCHEMAS[fx.schema].safeParse(fx.message);
    expect(parsed.success ? [] : toValidationIssues(parsed.error)).toEqual([]);
  });

  it.each(valid)("valid %s passes the exported JSON Schema", (_file, fx) => {
    const validate = jsonSchemaFor(fx.schema);
    expect(validate(fx.message) ? [] : validate.errors).toEqual([]);
  });

  it.each(invalid)("invalid %s is rejected at its field", (_file, fx) => {
    const parsed = WIRE_SCHEMAS[fx.schema].safeParse(fx.message);
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(toValidationIssues(parsed.error).map((i) => i.path)).toContain(fx.expectPath);
  });

  it.each(invalid.filter(([, fx]) => fx.schema !== "Plan"))(
    "invalid %s fails the exported JSON Schema too",
    (_file, fx) => {
      // Plan's cross-field rules (unique ids, known dependencies) are not expressible in JSON Schema; the
      // coordinator checks them on receipt.
      expect(jsonSchemaFor(fx.schema)(fx.message)).toBe(false);
    },
  );
});
