// Preloaded (`--import`) into every service process the bench starts, so none outlives the bench even when the bench
// itself is killed with SIGKILL and cannot stop its children: the bench holds the write end of a pipe on the child's
// stdin, and when the bench goes away, for whatever reason, the child reads end-of-file and stops itself the orderly
// way (SIGTERM to itself: the service's own shutdown), or exits outright if that takes too long.
const GRACE_MS = 10_000;

let gone = false;
const parentGone = () => {
  if (gone) return;
  gone = true;
  process.kill(process.pid, "SIGTERM");
  setTimeout(() => process.exit(1), GRACE_MS).unref();
};
process.stdin.on("end", parentGone);
process.stdin.on("close", parentGone);
process.stdin.on("error", parentGone);
// Read (and drop) whatever comes; the stream must flow for `end` to be seen.
process.stdin.on("data", () => undefined);
