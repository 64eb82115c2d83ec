// Which finished goals `eval capture` takes when it is given a filter instead of ids: read from the events the
// coordinator published (who else says a goal finished is not believed).
import { believedEvents, type PublishedEvent } from "../history/published-event.ts";

/** What finished goals to capture: by plan, by final status, the latest `limit` of them. */
export type GoalFilter = { plan?: string; status?: string; limit: number };

/** The ids of the finished goals among `events` that match `filter`, oldest first, at most `limit` (the latest). */
export function goalsMatching(events: readonly PublishedEvent[], filter: GoalFilter): string[] {
  const plans = new Map<string, string>();
  const finished = new Map<string, string>();
  for (const e of believedEvents(events).events) {
    if (e.type === "goal.accepted") plans.set(e.goalId, e.plan);
    else if (e.type === "goal.finished") finished.set(e.goalId, e.status);
  }
  const ids = [...finished]
    .filter(([, status]) => filter.status === undefined || status === filter.status)
    .filter(([id]) => filter.plan === undefined || plans.get(id) === filter.plan)
    .map(([id]) => id);
  return filter.limit > 0 ? ids.slice(-filter.limit) : [];
}
