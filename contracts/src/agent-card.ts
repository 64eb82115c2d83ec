import { z } from "zod";
import { Budget } from "./budget.ts";
import { AgentName } from "./ids.ts";

/** A JSON Schema document (draft 2020-12), as produced by `z.toJSONSchema`. */
export const JsonSchemaDocument = z.record(z.string(), z.unknown());
export type JsonSchemaDocument = z.infer<typeof JsonSchemaDocument>;

/** Whether a tool reads, writes (needs confirmation) or destroys (needs approval; never run by an agent). */
export const ToolKind = z.enum(["read", "write", "destructive"]);
export type ToolKind = z.infer<typeof ToolKind>;

/** What a specialist says about itself in `$SRV.INFO`; the coordinator plans against these. */
export const AgentCard = z.object({
  name: AgentName,
  version: z.string().regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/, "must be a semantic version like 1.2.3"),
  description: z.string().min(1),
  kind: z.enum(["handler", "llm"]).describe("`handler`: plain code; `llm`: a budgeted model loop."),
  input: JsonSchemaDocument,
  output: JsonSchemaDocument,
  tools: z.array(z.object({ name: z.string().min(1), kind: ToolKind, description: z.string() })).default([]),
  defaultBudget: Budget,
  model: z.string().optional(),
});
export type AgentCard = z.infer<typeof AgentCard>;
