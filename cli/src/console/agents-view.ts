import type { AgentCard } from "@switchyard/contracts";
import type { Bus } from "@switchyard/infra";
import { discoverAgents } from "../commands/agents.ts";
import type { ConsoleGoal } from "./goal-summary.ts";

/** An agent as its card on the Agents page shows it. */
export type AgentView = {
  card: AgentCard;
  replicas: number;
  /** Subtasks waiting in its queue, and those handed to a replica and not yet acknowledged. */
  backlog?: { waiting: number; inFlight: number };
  /** Its subtask outcomes among the goals the console knows, and the kinds of its failures. */
  outcomes: Record<string, number>;
  failureKinds: Record<string, number>;
};

/**
 * The running agents (micro-service discovery), their queue (the durable consumer of each agent) and how their
 * subtasks ended in the goals in view. An agent that runs no replica but has work in view still gets a card.
 */
export async function loadAgentsView(bus: Bus, goals: Iterable<ConsoleGoal>): Promise<AgentView[]> {
  const running = await discoverAgents(bus, 800).catch(() => []);
  const views = new Map<string, AgentView>();
  for (const { card, instances } of running) {
    views.set(card.name, { card, replicas: instances, outcomes: {}, failureKinds: {} });
  }
  for (const goal of goals) {
    for (const s of goal.subtaskStates) {
      const view = views.get(s.agent);
      if (view === undefined || s.state !== "finished" || s.status === undefined) continue;
      view.outcomes[s.status] = (view.outcomes[s.status] ?? 0) + 1;
      if (s.failureKind !== undefined) view.failureKinds[s.failureKind] = (view.failureKinds[s.failureKind] ?? 0) + 1;
    }
  }
  await Promise.all(
    [...views.values()].map(async (view) => {
      const info = await bus.jsm.consumers
        .info(bus.names.streams.tasks, bus.names.consumers.agent(view.card.name))
        .catch(() => undefined);
      if (info !== undefined) view.backlog = { waiting: info.num_pending, inFlight: info.num_ack_pending };
    }),
  );
  return [...views.values()].sort((a, b) => a.card.name.localeCompare(b.card.name));
}
