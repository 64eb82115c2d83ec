// JUnit XML for CI: one testsuite per eval suite, one testcase per case, a failure per failing check or regression.
import type { BaselineComparison } from "./baseline.ts";
import type { EvalReport } from "./eval-report.ts";

const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The report as a JUnit XML document. */
export function junitOf(report: EvalReport, comparison?: BaselineComparison): string {
  const suites = [...new Set(report.cases.map((c) => c.suite))];
  const body = suites.map((suite) => {
    const cases = report.cases.filter((c) => c.suite === suite);
    let failures = 0;
    const testcases = cases.map((c) => {
      const problems = [
        ...(c.error === undefined ? [] : [`error: ${c.error}`]),
        ...Object.entries(c.checks)
          .filter(([, r]) => !r.pass)
          .map(([kind, r]) => `${kind}: ${r.reason}`),
        ...(comparison?.regressions ?? [])
          .filter((r) => r.caseId === c.id)
          .map((r) => `regression ${r.check}: ${r.reason}`),
      ];
      if (problems.length > 0) failures++;
      const failure =
        problems.length === 0
          ? ""
          : `\n      <failure message="${xml(problems[0] ?? "")}">${xml(problems.join("\n"))}</failure>\n    `;
      return `    <testcase classname="${xml(suite)}" name="${xml(c.id)}" time="${(c.metrics.wallMs / 1000).toFixed(3)}">${failure}</testcase>`;
    });
    return (
      `  <testsuite name="${xml(suite)}" tests="${cases.length}" failures="${failures}">\n` +
      `${testcases.join("\n")}\n  </testsuite>`
    );
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="switchyard-eval">\n${body.join("\n")}\n</testsuites>\n`;
}
