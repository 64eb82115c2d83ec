import type { KV } from "@nats-io/kv";
import { PublishedTemplates, WIRE_VERSION, type WireNames } from "@switchyard/contracts";
import type { TemplateCatalog } from "./template-plans.ts";

/**
 * Puts the coordinator's template plans in KV for people's tools (the console's submit forms, the CLI's hints): they
 * read what this deployment offers over the bus, never from the coordinator's code or files.
 */
export async function publishTemplates(kv: KV, names: WireNames, templates: TemplateCatalog): Promise<void> {
  const published: PublishedTemplates = {
    v: WIRE_VERSION,
    since: new Date().toISOString(),
    templates: Object.fromEntries(
      Object.entries(templates).map(([name, { description, ...plan }]) => [name, { description, plan }]),
    ),
  };
  await kv.put(names.keys.templates, JSON.stringify(PublishedTemplates.parse(published)));
}
