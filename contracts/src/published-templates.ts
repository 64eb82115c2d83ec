import { z } from "zod";
import { wireDocs } from "./wire-docs.ts";
import { Timestamp } from "./ids.ts";
import { Plan } from "./plan.ts";
import { WireVersion } from "./version.ts";

/**
 * The template plans a coordinator offers, in KV `<prefix>_goals` under `catalog.templates` (written by the
 * coordinator at start): what a console or a CLI shows a person who submits a goal, without importing the coordinator.
 */
export const PublishedTemplates = z
  .object({
    v: WireVersion,
    since: Timestamp,
    templates: z
      .record(z.string(), z.object({ description: z.string(), plan: Plan }))
      .describe("Template plans by name, each with what it does."),
  })
  .register(wireDocs, {
    description:
      "The template plans a coordinator offers, in KV `<prefix>_goals` under `catalog.templates` (written by the " +
      "coordinator at start).",
  });
export type PublishedTemplates = z.infer<typeof PublishedTemplates>;
