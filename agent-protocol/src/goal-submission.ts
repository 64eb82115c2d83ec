// A prompt becomes a goal of the bridge's tenant, user and plan, submitted as a backend submits one.
import { randomUUID } from "node:crypto";
import { Goal, WIRE_VERSION } from "@switchyard/contracts";
import { describeIssues, publishJson, toValidationIssues, type Bus } from "@switchyard/infra";
import type { BridgeConfig } from "./bridge-config.ts";
import { AgentProtocolError } from "./errors.ts";

/** The goal a prompt asks for: a new id, the prompt as its text; tenant, user and plan from the configuration. */
export function goalFromPrompt(prompt: string, config: Pick<BridgeConfig, "tenant" | "user" | "plan">): Goal {
  const parsed = Goal.safeParse({
    v: WIRE_VERSION,
    id: randomUUID(),
    tenant: config.tenant,
    user: config.user,
    text: prompt,
    plan: config.plan,
    budget: {},
  });
  if (!parsed.success) {
    const issues = describeIssues(toValidationIssues(parsed.error));
    throw new AgentProtocolError("SY_ERR_PROTOCOL_BAD_REQUEST", "caller", `the prompt cannot be a goal: ${issues}`);
  }
  return parsed.data;
}

/**
 * Publishes the goal on its tenant's submit subject; resolves once the goals stream stored it. The goal id is the
 * message id, so a publish retried after a lost acknowledgement stores it once.
 */
export async function submitGoal(bus: Bus, goal: Goal): Promise<void> {
  await publishJson(bus, bus.names.subjects.goalSubmit(goal.tenant), Goal, goal, {
    msgId: goal.id,
    headers: { [bus.names.headers.tenant]: goal.tenant, [bus.names.headers.user]: goal.user },
  });
}
