import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { GoalId, GoalRecord, type RecordedRun } from "@switchyard/contracts";
import {
  appendHumanScore,
  captureCase,
  compareToBaseline,
  DEFAULT_CONCURRENCY,
  DEFAULT_TOLERANCE,
  EvalError,
  exportCase,
  exportResults,
  formatSuite,
  INTEROP_FORMATS,
  junitOf,
  loadBaseline,
  loadSuite,
  readHumanScores,
  renderReport,
  runEvals,
  summarize,
  writeBaseline,
  type Baseline,
  type BaselineComparison,
  type EvalReport,
  type InteropFormat,
  type Suite,
} from "@switchyard/evals";
import { describeIssues, getJson, openBucket, readStoredJson, toValidationIssues, type Bus } from "@switchyard/infra";
import { CliError, connectCli } from "../client.ts";
import { busGoalDriver } from "../eval/bus-goal-driver.ts";
import { startEvalStack } from "../eval/eval-stack.ts";
import { progressBar } from "../eval/progress-bar.ts";
import { goalsMatching, type GoalFilter } from "../eval/goal-filter.ts";
import { parseDuration } from "../history/duration.ts";
import { believedEvents, publishedEvents } from "../history/published-event.ts";
import { WORKSPACE_ROOT } from "../workspace.ts";
import { loadRecordedRuns } from "./journal.ts";
import { loadTrace } from "./trace.ts";

/** Exit code of `eval run` when a case failed or regressed against the baseline. */
export const EVAL_FAILED = 3;

/** Where `eval score` keeps human scores unless told otherwise. */
const DEFAULT_SCORES_FILE = join(WORKSPACE_ROOT, ".switchyard", "human-scores.jsonl");

export const EVAL_USAGE = `switchyard eval run|capture|score|export ...
  run <suite.jsonl...>      run every case, score outcome, trajectory, cost and safety; print a table
    --baseline <file>       compare with a stored run: exit ${EVAL_FAILED} naming the case and check that regressed
    --update-baseline       write this run as the baseline (to --baseline's file)
    --tolerance-score <x>   a check's score may drop by x before it regresses (default ${DEFAULT_TOLERANCE.score})
    --tolerance-cost <x>    tokens, USD and steps may grow by this share (default ${DEFAULT_TOLERANCE.cost})
    --repeat <k>            run each case k times; a case passes only if all k pass (pass^k)
    --concurrency <n>       runs in flight at once (default ${DEFAULT_CONCURRENCY})
    --filter <s>            only cases whose id contains s, or tagged s
    --timeout <seconds>     per run (default 120)
    --json                  print the report as JSON on stdout
    --junit <file>          write JUnit XML; --results <file> writes one JSONL line per case
    --nats <url>            run against this stack (default $NATS_URL); without either, eval starts its own
                            private stack (offline: scripted models) and stops it at the end; captured cases
                            (with a recording) then replay on a stack whose agents answer from the recording
    --insecure              the stack it starts runs on an open bus
  capture <goalId...>       turn finished goals into suite cases (observed result, path and cost as the reference,
                            the run journals as the recording); --out <suite.jsonl> appends to a file, else stdout
  capture --plan <p> --status <s> --since <24h> --limit <n>
                            the same for the finished goals the events stream still holds that match (default:
                            the latest 20 of the last 24h)
  score <goalId> <0..1>     record a person's score (--label <l>, --note <text>) in --file (default
                            .switchyard/human-scores.jsonl); captured cases and reports carry it
  export <suite.jsonl>      --format ${INTEROP_FORMATS.join("|")}: the cases as JSONL those tools read
Exit code of run: 0 every case passed (with --baseline: no regression and no new failing case), ${EVAL_FAILED} otherwise,
  2 bad usage (a suite that does not validate names file:line and field), 1 anything else.`;

const number = (name: string, raw: string | undefined, fallback: number, min = 0) => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new CliError(`--${name} must be a number ≥ ${min}`, 2);
  return n;
};

/** Loads suites, turning validation errors into usage errors. */
function loadSuites(files: readonly string[]): Suite[] {
  try {
    return files.map((f) => loadSuite(f));
  } catch (err) {
    if (err instanceof EvalError) throw new CliError(err.message, 2);
    throw err;
  }
}

/** The cases of `suites` whose recording decides how they run. */
function split(suites: readonly Suite[], recorded: boolean): Suite[] {
  return suites
    .map((s) => ({ ...s, cases: s.cases.filter((c) => (c.recording !== undefined) === recorded) }))
    .filter((s) => s.cases.length > 0);
}

/** Two reports as one (the live phase and the replay phase of a self-started run). */
function mergeReports(a: EvalReport, b: EvalReport | undefined, repeat: number): EvalReport {
  if (b === undefined) return a;
  const cases = [...a.cases, ...b.cases];
  return { ...a, finishedAt: b.finishedAt, cases, summary: summarize(cases, repeat) };
}

/** `eval run`. */
async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      baseline: { type: "string" },
      "update-baseline": { type: "boolean", default: false },
      "tolerance-score": { type: "string" },
      "tolerance-cost": { type: "string" },
      repeat: { type: "string" },
      concurrency: { type: "string" },
      filter: { type: "string" },
      timeout: { type: "string" },
      json: { type: "boolean", default: false },
      junit: { type: "string" },
      results: { type: "string" },
      nats: { type: "string" },
      as: { type: "string" },
      insecure: { type: "boolean", default: false },
    },
  });
  if (positionals.length === 0) throw new CliError(`expected at least one suite file\n\n${EVAL_USAGE}`, 2);
  if (values["update-baseline"] && values.baseline === undefined) {
    throw new CliError("--update-baseline needs --baseline <file>: where to write it", 2);
  }
  const suites = loadSuites(positionals);
  const repeat = number("repeat", values.repeat, 1, 1);
  const tolerance = {
    score: number("tolerance-score", values["tolerance-score"], DEFAULT_TOLERANCE.score),
    cost: number("tolerance-cost", values["tolerance-cost"], DEFAULT_TOLERANCE.cost),
  };
  const baseline: Baseline | undefined =
    values.baseline !== undefined && existsSync(values.baseline)
      ? (() => {
          try {
            return loadBaseline(values.baseline);
          } catch (err) {
            throw new CliError((err as Error).message, 2);
          }
        })()
      : undefined;
  if (values.baseline !== undefined && baseline === undefined && !values["update-baseline"]) {
    throw new CliError(`baseline ${values.baseline} does not exist (create it with --update-baseline)`, 2);
  }
  const common = {
    repeat,
    concurrency: number("concurrency", values.concurrency, DEFAULT_CONCURRENCY, 1),
    caseTimeoutMs: number("timeout", values.timeout, 120, 1) * 1000,
    filter: values.filter,
    onProgress: values.json ? undefined : progressBar(process.stderr),
  };
  const log = (line: string) => {
    if (!values.json) process.stderr.write(`switchyard: ${line}\n`);
  };
  const url = values.nats ?? (process.env["NATS_URL"] || undefined);
  let report: EvalReport;
  if (url !== undefined) {
    const driver = busGoalDriver({ nats: url, as: values.as });
    try {
      report = await runEvals({ ...common, suites, driver });
    } finally {
      await driver.close();
    }
  } else {
    // Our own stacks: live cases on one, captured cases on one whose agents replay the recordings.
    const phase = async (part: Suite[], recordings?: RecordedRun[]) => {
      if (part.length === 0) return undefined;
      log(`starting a private stack${recordings ? " that replays the captured cases' recordings" : ""}…`);
      const stack = await startEvalStack({ recordings, insecure: values.insecure, log: () => {} });
      const driver = busGoalDriver({}, { ...process.env, ...stack.env });
      try {
        return await runEvals({ ...common, suites: part, driver });
      } finally {
        await driver.close();
        await stack.stop();
      }
    };
    const recorded = split(suites, true);
    const live = await phase(split(suites, false));
    const replayed = await phase(
      recorded,
      recorded.flatMap((s) => s.cases.flatMap((c) => c.recording ?? [])),
    );
    const first = live ?? replayed;
    if (first === undefined) throw new CliError("the suites hold no case", 2);
    report = mergeReports(first, first === live ? replayed : undefined, repeat);
  }
  if (report.cases.length === 0) throw new CliError(`no case matches --filter ${values.filter ?? ""}`, 2);
  let comparison: BaselineComparison | undefined;
  if (baseline !== undefined) comparison = compareToBaseline(report, baseline, tolerance);
  if (values["update-baseline"] && values.baseline !== undefined) {
    writeBaseline(values.baseline, report, baseline);
    log(`wrote the baseline of ${report.cases.length} case(s) to ${values.baseline}`);
  }
  if (values.junit !== undefined) writeFileSync(values.junit, junitOf(report, comparison));
  if (values.results !== undefined) writeFileSync(values.results, exportResults(report));
  process.stdout.write(
    values.json ? `${JSON.stringify({ ...report, baseline: comparison })}\n` : `${renderReport(report, comparison)}\n`,
  );
  if (values["update-baseline"]) return 0;
  const failed =
    comparison === undefined
      ? report.cases.some((c) => !c.pass)
      : comparison.regressions.length > 0 || report.cases.some((c) => !c.pass && comparison.added.includes(c.id));
  return failed ? EVAL_FAILED : 0;
}

/** A goal's record (goal and latest result), events and recorded runs, read as the operator. */
async function readFinishedGoal(bus: Bus, goalId: string) {
  const kv = await openBucket(bus, bus.names.buckets.goals);
  const record = (await getJson(kv, `goal.${goalId}`, GoalRecord))?.value;
  if (record === undefined) throw new CliError(`no goal record for "${goalId}" (unknown goal, or expired)`, 3);
  if (record.phase.type === "running")
    throw new CliError(`goal ${goalId} is still running: capture it once it ends`, 3);
  const stored = await readStoredJson(bus, bus.names.streams.events, bus.names.subjects.goalEvents(goalId));
  const { events } = believedEvents(publishedEvents(stored.values, stored.subjects));
  return { goal: record.goal, result: record.phase.result, events, runs: await loadRecordedRuns(bus, goalId) };
}

/** `eval capture`. */
async function captureCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: "string" },
      "no-recording": { type: "boolean", default: false },
      scores: { type: "string" },
      plan: { type: "string" },
      status: { type: "string" },
      since: { type: "string" },
      limit: { type: "string" },
      nats: { type: "string" },
      as: { type: "string" },
    },
  });
  const filtered = [values.plan, values.status, values.since, values.limit].some((v) => v !== undefined);
  if (positionals.length === 0 && !filtered) {
    throw new CliError(`expected goal ids or a filter (--plan, --status, --since)\n\n${EVAL_USAGE}`, 2);
  }
  if (positionals.length > 0 && filtered) throw new CliError("give goal ids or a filter, not both", 2);
  const windowMs = parseDuration(values.since ?? "24h");
  if (windowMs === undefined) throw new CliError(`--since must be a duration like 30m, 24h or 7d`, 2);
  const limit = number("limit", values.limit, 20, 1);
  for (const id of positionals) {
    const parsed = GoalId.safeParse(id);
    if (!parsed.success) {
      throw new CliError(`invalid goal id "${id}": ${describeIssues(toValidationIssues(parsed.error))}`, 2);
    }
  }
  const { bus } = await connectCli(values, { role: "operator" });
  try {
    const ids = filtered
      ? await finishedGoalsMatching(bus, windowMs, { plan: values.plan, status: values.status, limit })
      : positionals;
    if (ids.length === 0) throw new CliError("no finished goal in the events stream matches the filter", EVAL_FAILED);
    const cases = [];
    for (const goalId of ids) {
      const g = await readFinishedGoal(bus, goalId);
      cases.push(
        captureCase({
          ...g,
          runs: values["no-recording"] ? [] : g.runs,
          humanScores: readHumanScores(values.scores ?? DEFAULT_SCORES_FILE, goalId),
        }),
      );
    }
    const text = formatSuite(cases);
    if (values.out === undefined) process.stdout.write(text);
    else {
      const before = existsSync(values.out) ? readFileSync(values.out, "utf8") : "";
      writeFileSync(values.out, before === "" || before.endsWith("\n") ? before + text : `${before}\n${text}`);
      process.stderr.write(`switchyard: appended ${cases.length} case(s) to ${values.out}\n`);
    }
    return 0;
  } finally {
    await bus.close();
  }
}

/** The finished goals of the last `windowMs` that match `filter`, from the events stream. */
async function finishedGoalsMatching(bus: Bus, windowMs: number, filter: GoalFilter): Promise<string[]> {
  const { streams, subjects } = bus.names;
  const since = new Date(Date.now() - windowMs);
  const read = await readStoredJson(bus, streams.events, subjects.eventsAll, { since });
  return goalsMatching(publishedEvents(read.values, read.subjects), filter);
}

/** `eval score`. */
async function scoreCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      label: { type: "string" },
      note: { type: "string" },
      file: { type: "string" },
      by: { type: "string" },
      nats: { type: "string" },
      as: { type: "string" },
      "no-check": { type: "boolean", default: false },
    },
  });
  const [goalId, raw] = positionals;
  const score = Number(raw);
  if (goalId === undefined || raw === undefined || !Number.isFinite(score) || score < 0 || score > 1) {
    throw new CliError(`expected a goal id and a score between 0 and 1\n\n${EVAL_USAGE}`, 2);
  }
  if (!GoalId.safeParse(goalId).success) throw new CliError(`invalid goal id "${goalId}"`, 2);
  if (!values["no-check"]) {
    // A score of a goal nobody ran is a typo: the goal must be in the events stream.
    const { bus } = await connectCli(values, { role: "operator" });
    try {
      await loadTrace(bus, goalId);
    } finally {
      await bus.close();
    }
  }
  const file = values.file ?? DEFAULT_SCORES_FILE;
  appendHumanScore(file, {
    goalId,
    score,
    ...(values.label === undefined ? {} : { label: values.label }),
    ...(values.note === undefined ? {} : { note: values.note }),
    by: values.by ?? (process.env["SY_USER"] || userInfo().username),
    at: new Date().toISOString(),
  });
  process.stdout.write(`scored goal ${goalId}: ${score}${values.label ? ` (${values.label})` : ""} → ${file}\n`);
  return 0;
}

/** `eval export`. */
async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { format: { type: "string" } },
  });
  const format = values.format as InteropFormat | undefined;
  if (format === undefined || !INTEROP_FORMATS.includes(format) || positionals.length === 0) {
    throw new CliError(`expected suite files and --format ${INTEROP_FORMATS.join("|")}\n\n${EVAL_USAGE}`, 2);
  }
  for (const suite of loadSuites(positionals)) {
    for (const c of suite.cases) process.stdout.write(`${JSON.stringify(exportCase(c, format))}\n`);
  }
  return 0;
}

/** `switchyard eval`. */
export async function evalCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case "run":
      return runCommand(rest);
    case "capture":
      return captureCommand(rest);
    case "score":
      return scoreCommand(rest);
    case "export":
      return exportCommand(rest);
    default:
      throw new CliError(`unknown eval command "${sub ?? ""}"\n\n${EVAL_USAGE}`, 2);
  }
}
