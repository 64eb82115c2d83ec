// What every backend example must have done: printed the goal's GoalResult (valid against the published JSON Schema
// and the zod contract), for a goal the coordinator accepted from tenant acme's backend as the example wrote it.
import { GoalResult } from "@switchyard/contracts";
import { expect } from "vitest";
import { EXAMPLE_TENANT, type ExampleStack } from "./example-stack.ts";
import { jsonSchemaErrors } from "./json-schema-check.ts";
import type { CommandResult } from "./run-command.ts";

/** The text every example submits: the demo plan finds its topics. */
export const EXAMPLE_GOAL_TEXT = "Agents need budgets. Budgets stop agents that loop.";

/** Asserts that `run` printed the completed result of goal `id`, which the coordinator took from acme's backend. */
export async function expectPrintedResult(stack: ExampleStack | undefined, run: CommandResult, id: string) {
  expect(run.code, run.stderr).toBe(0);
  const result: unknown = JSON.parse(run.stdout);
  expect(jsonSchemaErrors("GoalResult", result)).toEqual([]);
  const topics: unknown = expect.arrayContaining(["agents", "budgets"]);
  expect(GoalResult.parse(result)).toMatchObject({ goalId: id, status: "ok", output: { topics } });
  const accepted = await stack?.log.waitForEvent((e) => e.type === "goal.accepted" && e.goalId === id);
  expect(accepted).toMatchObject({ tenant: EXAMPLE_TENANT, user: "ana", plan: "demo" });
}
