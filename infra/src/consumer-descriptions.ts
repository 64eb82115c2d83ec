import type { WireNames } from "@switchyard/contracts";

/**
 * What each durable consumer is for, shown by `nats consumer info` and `nats consumer ls`: an operator looking at a
 * backlog should not need the source to know whose it is.
 */
export function consumerDescription(names: WireNames, durable: string): string {
  const c = names.consumers;
  const known: Record<string, string> = {
    [c.coordinatorGoals]: "Switchyard coordinator: goals submitted by backends",
    [c.coordinatorResults]: "Switchyard coordinator: subtask results from every agent",
    [c.coordinatorAnswers]: "Switchyard coordinator: people's answers to goals waiting for input",
    [c.coordinatorReviews]: "Switchyard coordinator: people's reviews of held outputs",
    [c.coordinatorTimers]: "Switchyard coordinator: durable timers (deadlines, retry backoffs)",
    [c.coordinatorProposals]: "Switchyard approval authority: action proposals from agents",
    [c.coordinatorDecisions]: "Switchyard approval authority: people's approval decisions",
    [c.coordinatorOutcomes]: "Switchyard coordinator: outcomes of executed actions",
    [c.executor]: "Switchyard executor: approved actions to carry out",
  };
  const agent = /^agent-(.+)$/.exec(durable)?.[1];
  return (
    known[durable] ??
    (agent === undefined ? `Switchyard: ${durable}` : `Switchyard agent ${agent}: subtasks (shared by its replicas)`)
  );
}
