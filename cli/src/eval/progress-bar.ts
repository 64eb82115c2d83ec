// A one-line progress bar for `eval run` on a terminal; nothing when stderr is not a TTY (CI logs stay clean).

/** A progress callback that redraws a bar on `out` when it is a TTY. */
export function progressBar(
  out: NodeJS.WriteStream,
): ((p: { done: number; total: number; caseId: string; pass: boolean }) => void) | undefined {
  if (!out.isTTY) return undefined;
  let failed = 0;
  return ({ done, total, caseId, pass }) => {
    if (!pass) failed++;
    const width = 24;
    const filled = Math.round((done / total) * width);
    const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
    out.write(`\r${bar} ${done}/${total}${failed > 0 ? ` (${failed} failing)` : ""} ${caseId.slice(0, 40).padEnd(40)}`);
    if (done === total) out.write("\n");
  };
}
