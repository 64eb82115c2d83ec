import type { Bus, EventEmitter, Logger } from "@switchyard/infra";
import type { GoalStore } from "./goal-store.ts";
import type { Planner } from "./planner/llm-planner.ts";
import type { TemplateCatalog } from "./template-plans.ts";

/** What every coordinator step needs: the bus, the buckets, where to log and emit events, and the plans. */
export type CoordinatorDeps = {
  bus: Bus;
  store: GoalStore;
  logger: Logger;
  events: EventEmitter;
  templates: TemplateCatalog;
  /** Plan used when a goal names none. */
  defaultPlan: string;
  /** Wall time a goal gets when its budget sets no `maxMs`. */
  defaultGoalMs: number;
  /** The LLM planner for `plan: "llm"`; absent: such goals are refused. */
  planner?: Planner;
};
