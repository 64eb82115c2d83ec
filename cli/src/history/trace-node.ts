/**
 * One node of a goal's execution tree, as `switchyard trace --json` prints it: the goal at the root, its subtasks
 * below it, each subtask's steps below that (tool calls, checkpoints and proposals nest under the model call that
 * asked for them). Every field but `type`, `label` and `children` is optional: a node shows what its events said.
 */
export type TraceNode = {
  /** `goal`, `subtask`, or the event type the node stands for (`model.call`, `tool.call`, … or an unknown one). */
  type: string;
  /** One line that names the node, e.g. `keywords → keywords @ keywords-1` or `tool search (read)`. */
  label: string;
  /** How it ended (a RunStatus, a tool outcome, `running`, `pending`, …). */
  status?: string;
  /** Input + output tokens. */
  tokens?: number;
  costUsd?: number;
  ms?: number;
  /** The FailureKind when it failed. */
  failureKind?: string;
  /** ISO time of the first event behind the node. */
  at?: string;
  /** Secondary text: a failure message, the first line of what a model said, a tool call's arguments. */
  detail?: string;
  children: TraceNode[];
};
