import { z } from "zod";
import { wireDocs } from "./wire-docs.ts";
import { Budget } from "./budget.ts";
import { AgentName } from "./ids.ts";

/** A JSON Schema document (draft 2020-12), as produced by `z.toJSONSchema`. */
export const JsonSchemaDocument = z
  .record(z.string(), z.unknown())
  .register(wireDocs, { description: "A JSON Schema document (draft 2020-12)." });
export type JsonSchemaDocument = z.infer<typeof JsonSchemaDocument>;

/** Whether a tool reads, writes (needs confirmation) or destroys (needs approval; never run by an agent). */
export const ToolKind = z.enum(["read", "write", "destructive"]).register(wireDocs, {
  description:
    "Whether a tool reads, writes (needs confirmation) or destroys (needs approval; only the executor runs it).",
});
export type ToolKind = z.infer<typeof ToolKind>;

/** What a specialist says about itself in `$SRV.INFO`; the coordinator plans against these. */
export const AgentCard = z
  .object({
    name: AgentName,
    version: z.string().regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/, "must be a semantic version like 1.2.3"),
    description: z.string().min(1).describe("What the agent does, for the planner and for people."),
    kind: z.enum(["handler", "llm"]).describe("`handler`: plain code; `llm`: a budgeted model loop."),
    input: JsonSchemaDocument.describe("The JSON Schema of the subtask input it takes."),
    output: JsonSchemaDocument.describe("The JSON Schema of the output it returns."),
    tools: z
      .array(z.object({ name: z.string().min(1), kind: ToolKind, description: z.string() }))
      .default([])
      .describe("The tools of an `llm` agent."),
    defaultBudget: Budget.describe("Its limits when the plan gives none."),
    model: z.string().optional().describe("The model of an `llm` agent."),
  })
  .register(wireDocs, {
    description:
      "What a specialist says about itself, in `$SRV.INFO` metadata (`sy_card`) and on `<prefix>.agents.<agent>.card`: " +
      "the coordinator plans against these.",
  });
export type AgentCard = z.infer<typeof AgentCard>;
