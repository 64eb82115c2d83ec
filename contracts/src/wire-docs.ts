import { z } from "zod";

/** The documentation of one named wire type: what it is, and (for small types) example values. */
export type WireDoc = { description: string; examples?: z.$input[] };

/**
 * The type-level documentation of the wire types, shown by the exported JSON Schemas and AsyncAPI document.
 *
 * It is a registry of its own, not `z.globalRegistry` (where `.describe()` writes): other JSON Schemas built from
 * these types stay as they are — the LLM planner's `submit_plan` tool takes `Plan`'s, and every word there is a token.
 * Field-level descriptions stay on the fields (`.describe()`); whole example messages are in `wire-examples.ts`.
 */
export const wireDocs = z.registry<WireDoc>();
