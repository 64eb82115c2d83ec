// @switchyard/evals: suites of goals scored on outcome, trajectory, cost and safety, compared to a baseline.
export {
  baselineOf,
  compareToBaseline,
  DEFAULT_TOLERANCE,
  loadBaseline,
  writeBaseline,
  type Baseline,
  type BaselineComparison,
  type Regression,
  type Tolerance,
} from "./baseline.ts";
export { CAPTURE_COST_HEADROOM, captureCase, caseIdOf, type CapturedGoal } from "./capture.ts";
export { CHECK_KINDS, type CheckKind, type CheckResult } from "./check-result.ts";
export { checkCost, type CostMetrics } from "./checks/cost-check.ts";
export { checkAssertion, checkOutcome, type Scorer, type ScorerVerdict } from "./checks/outcome-check.ts";
export { breachesOf, checkSafety } from "./checks/safety-check.ts";
export { checkTrajectory } from "./checks/trajectory-check.ts";
export { EvalError, type EvalErrorCode } from "./errors.ts";
export { CaseGoal, EvalCase, HumanScore, TrajectoryMode, type EvalCaseInput, type Suite } from "./eval-case.ts";
export { summarize, type CaseReport, type EvalReport, type EvalSummary, type SecurityTriplet } from "./eval-report.ts";
export type { GoalDriver } from "./goal-driver.ts";
export { appendHumanScore, readHumanScores } from "./human-scores.ts";
export { exportCase, exportResults, INTEROP_FORMATS, type InteropFormat } from "./interop.ts";
export { valueAt } from "./json-path.ts";
export { junitOf } from "./junit.ts";
export { formatSuite, loadSuite, parseSuite } from "./load-suite.ts";
export type { Observation } from "./observation.ts";
export { renderReport } from "./render-table.ts";
export { REPLAY_SCRIPT } from "./replay-script.ts";
export {
  DEFAULT_CASE_TIMEOUT_MS,
  DEFAULT_CONCURRENCY,
  goalOfCase,
  runEvals,
  type RunEvalsOptions,
} from "./run-evals.ts";
export { digestOf, scoreRun, type RunScore } from "./score-run.ts";
export { matchTrajectory, trajectoriesOf, type Trajectories } from "./trajectory.ts";
