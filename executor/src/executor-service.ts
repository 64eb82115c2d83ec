import { Svcm, type Service } from "@nats-io/services";
import { inboxRepliesOnly, respondToInbox, type Bus } from "@switchyard/infra";
import { z } from "zod";
import type { ActionDefinition } from "./define-action.ts";

/** The executor's version, as `$SRV.INFO` reports it. */
export const EXECUTOR_VERSION = "0.1.0";

/** Metadata key of the comma-separated action names in `$SRV.INFO`. */
export const ACTIONS_METADATA_KEY = "sy_actions";

/** What the `actions` endpoint answers for each action. */
export type ActionInfo = { tool: string; description: string; input?: unknown };

function actionInfo(action: ActionDefinition): ActionInfo {
  try {
    return { tool: action.tool, description: action.description, input: z.toJSONSchema(action.input) };
  } catch {
    // Some zod types (transforms) have no JSON Schema; the name and description still help an operator.
    return { tool: action.tool, description: action.description };
  }
}

/**
 * Registers the NATS micro service `executor` (`$SRV.PING/INFO/STATS`, `nats micro ls`): metadata `sy_prefix`,
 * `sy_instance` and `sy_actions`, and an `actions` endpoint on `<prefix>.executor.actions` that answers each
 * action's name, description and input JSON Schema.
 */
export async function registerExecutorService(bus: Bus, actions: readonly ActionDefinition[]): Promise<Service> {
  const { names, config } = bus;
  const service = await new Svcm(inboxRepliesOnly(bus.nc)).add({
    name: "executor",
    version: EXECUTOR_VERSION,
    description: "Runs approved action proposals exactly once.",
    metadata: {
      sy_prefix: names.prefix,
      sy_instance: config.instance,
      [ACTIONS_METADATA_KEY]: actions.map((a) => a.tool).join(","),
    },
  });
  const infos = JSON.stringify(actions.map(actionInfo));
  service.addEndpoint("actions", {
    subject: names.subjects.executorActions,
    handler: (err, msg) => {
      if (err === null) respondToInbox(msg, infos);
    },
  });
  return service;
}
