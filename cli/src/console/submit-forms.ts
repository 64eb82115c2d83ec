import type { AgentCard, PublishedTemplates } from "@switchyard/contracts";

/** A field of the submit form: one `$goal.input.<name>` a template reads, typed from the agent that receives it. */
export type FormField = { name: string; type: "string" | "number" | "integer" | "boolean"; description?: string };

/** The submit form of one template. */
export type SubmitForm = { plan: string; description: string; fields: FormField[] };

const GOAL_INPUT = /^\$goal\.input\.([A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * A form per template the coordinator published: goal text, plus one field per top-level `$goal.input.<name>` its subtasks read, with the type
 * and description the receiving agent's input schema gives that parameter (a string when no running agent says).
 */
export function submitForms(templates: PublishedTemplates["templates"], cards: readonly AgentCard[]): SubmitForm[] {
  const byAgent = new Map(cards.map((c) => [c.name, c]));
  return Object.entries(templates).map(([plan, template]) => {
    const fields = new Map<string, FormField>();
    for (const subtask of template.plan.subtasks) {
      const input = subtask.input;
      if (typeof input !== "object" || input === null) continue;
      for (const [param, ref] of Object.entries(input)) {
        const field = typeof ref === "string" ? GOAL_INPUT.exec(ref)?.[1] : undefined;
        if (field === undefined || fields.has(field)) continue;
        const schema = propertyOf(byAgent.get(subtask.agent), param);
        fields.set(field, { name: field, type: typeOf(schema), description: descriptionOf(schema) });
      }
    }
    return { plan, description: template.description, fields: [...fields.values()] };
  });
}

function propertyOf(card: AgentCard | undefined, param: string): Record<string, unknown> | undefined {
  const properties = (card?.input as { properties?: Record<string, unknown> } | undefined)?.properties;
  const p = properties?.[param];
  return typeof p === "object" && p !== null ? (p as Record<string, unknown>) : undefined;
}

function typeOf(schema: Record<string, unknown> | undefined): FormField["type"] {
  const t = schema?.["type"];
  return t === "number" || t === "integer" || t === "boolean" ? t : "string";
}

function descriptionOf(schema: Record<string, unknown> | undefined): string | undefined {
  const d = schema?.["description"];
  return typeof d === "string" ? d : undefined;
}
