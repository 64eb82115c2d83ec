// A caller's reply to a query answers the goal, as `switchyard answer` does: the subtasks waiting for input run again
// with it. The answer is recorded as the bridge's (`answeredBy: bridge-<tenant>`): the bus vouches for the bridge,
// not for whoever called it.
import { GoalAnswer, WIRE_VERSION } from "@switchyard/contracts";
import { describeIssues, publishJson, toValidationIssues, type Bus } from "@switchyard/infra";
import { AgentProtocolError } from "./errors.ts";

/**
 * Publishes an answer to every subtask of `goalId` that waits for input, in the name of `person`. An answer the
 * contract refuses (too long) throws an `AgentProtocolError` (`SY_ERR_PROTOCOL_BAD_REQUEST`) naming the rule.
 */
export async function answerGoal(bus: Bus, goalId: string, text: string, person: string): Promise<void> {
  const answer = GoalAnswer.safeParse({ v: WIRE_VERSION, goalId, text, at: new Date().toISOString() });
  if (!answer.success) {
    const issues = describeIssues(toValidationIssues(answer.error));
    throw new AgentProtocolError(
      "SY_ERR_PROTOCOL_BAD_REQUEST",
      "caller",
      `the reply cannot answer the goal: ${issues}`,
    );
  }
  await publishJson(bus, bus.names.subjects.goalAnswer(person), GoalAnswer, answer.data);
}
