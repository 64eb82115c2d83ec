import { z } from "zod";
import * as contracts from "../src/index.ts";
import { wireDocs } from "../src/wire-docs.ts";

type Meta = z.core.GlobalMeta;

/**
 * Every named schema the contracts export, by its TypeScript name. Where a document uses one, it becomes a `$defs`
 * entry of that name, so code generated in another language has the same types (one `Usage`, one `Failure`) as
 * TypeScript. `v` stays inline: a constant reads better in place.
 */
export function namedSchemas(): Map<z.ZodType, string> {
  const named = new Map<z.ZodType, string>();
  for (const [name, value] of Object.entries(contracts)) {
    if (value instanceof z.ZodType && value !== contracts.WireVersion) named.set(value, name);
  }
  return named;
}

/**
 * The metadata `z.toJSONSchema` reads for one document: what `.describe()` put on the fields (`z.globalRegistry`),
 * under it the type-level documentation (`wireDocs`), and a `$defs` id for every named schema but the document's
 * own root. Field-level text wins: a field's description says more than its type's.
 */
export class DocumentMetadata extends z.core.$ZodRegistry<Meta> {
  private readonly ids: ReadonlyMap<z.core.$ZodType, string>;

  constructor(named: ReadonlyMap<z.core.$ZodType, string>, root: z.core.$ZodType) {
    super();
    this.ids = new Map([...named].filter(([schema]) => schema !== root));
  }

  override get<S extends z.core.$ZodType>(schema: S): z.core.$replace<Meta, S> | undefined {
    const id = this.ids.get(schema);
    const meta: Meta = {
      ...wireDocs.get(schema),
      ...z.globalRegistry.get(schema),
      ...(id === undefined ? {} : { id }),
    };
    return Object.keys(meta).length === 0 ? undefined : meta;
  }
}
