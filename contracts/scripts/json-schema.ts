import { z } from "zod";
import { DocumentMetadata } from "./document-metadata.ts";
import { removeZodArtefacts } from "./json-schema-artefacts.ts";

/** The `$id` of a wire schema's JSON Schema document. */
const schemaId = (name: string) => `urn:switchyard:schema:${name}`;

/**
 * The JSON Schema (draft 2020-12) of one wire schema: its descriptions, `examples` (whole messages), and a `$defs`
 * entry for every named type it uses. The "input" view: what a publisher may send, so fields with defaults are
 * optional.
 */
export function wireJsonSchema(
  name: string,
  schema: z.ZodType,
  named: ReadonlyMap<z.ZodType, string>,
  examples: readonly unknown[] = [],
): Record<string, unknown> {
  const { $schema, $defs, description, ...body } = z.toJSONSchema(schema, {
    io: "input",
    metadata: new DocumentMetadata(named, schema),
    override: removeZodArtefacts,
  });
  return {
    $schema,
    $id: schemaId(name),
    title: name,
    description,
    ...body,
    ...(examples.length > 0 ? { examples: JSON.parse(JSON.stringify(examples)) as unknown[] } : {}),
    ...($defs === undefined ? {} : { $defs: sortedByKey($defs) }),
  };
}

function sortedByKey<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
