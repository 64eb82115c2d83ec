// Which statuses mean "waiting for a person" rather than "ended": every `needs_*` status (input, an approval, and
// any kind of waiting added later), so the CLI's views need no change when one is added.

/** Whether a goal or subtask with this status waits for a person (it has not ended). */
export function isWaiting(status: string | undefined): boolean {
  return status?.startsWith("needs_") === true;
}
