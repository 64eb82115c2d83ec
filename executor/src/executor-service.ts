import { Svcm, type Service } from "@nats-io/services";
import {
  addWorkEndpoint,
  inboxRepliesOnly,
  respondToInbox,
  workStatsHandler,
  type Bus,
  type WorkStats,
} from "@switchyard/infra";
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
 * Registers the NATS micro service `<prefix>-executor` (`$SRV.PING/INFO/STATS`, `nats micro ls`): metadata
 * `sy_prefix`, `sy_instance` and `sy_actions`, an `actions` endpoint on `<prefix>.executor.actions` that answers each
 * action's name, description and input JSON Schema, and an `executions` endpoint that reports in `$SRV.STATS`
 * (`data`) the actions counted in `work`: they come from JetStream, not through the endpoint.
 */
export async function registerExecutorService(
  bus: Bus,
  actions: readonly ActionDefinition[],
  work: WorkStats,
): Promise<Service> {
  const { names, config } = bus;
  const executions = names.subjects.executorExecutions;
  const service = await new Svcm(inboxRepliesOnly(bus.nc)).add({
    name: names.services.executor,
    version: EXECUTOR_VERSION,
    description: "Runs approved action proposals exactly once.",
    metadata: {
      sy_prefix: names.prefix,
      sy_instance: config.instance,
      [ACTIONS_METADATA_KEY]: actions.map((a) => a.tool).join(","),
    },
    statsHandler: workStatsHandler(executions, work),
  });
  const infos = JSON.stringify(actions.map(actionInfo));
  service.addEndpoint("actions", {
    subject: names.subjects.executorActions,
    handler: (err, msg) => {
      if (err === null) respondToInbox(msg, infos);
    },
  });
  addWorkEndpoint(service, "executions", executions, work);
  return service;
}
