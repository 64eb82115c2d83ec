// The observability files under deploy/ name metrics by string; nothing else ties them to the code. This reads every
// PromQL expression of the Grafana dashboard and the alert rules and checks each metric (and each label it selects on)
// against the registries built the way each service builds its own (`createMetrics` with the service's role, Node
// default metrics included, and the coordinator's scrape-time gauges), so a renamed metric or label, or a family no
// service exports, fails here instead of leaving an empty panel or an alert that can never fire.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { wireNames } from "@switchyard/contracts";
import { addBacklogGauges } from "@switchyard/coordinator";
import { createMetrics, METRICS_ROLES, type Bus, type Metrics, type MetricsRole } from "@switchyard/infra";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ROOT } from "../fixtures/processes.ts";

const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

// --- What the services export -------------------------------------------------------------------------------------

/** A bus whose JetStream cannot answer: the scrape-time gauges are registered, their reads fail (and are counted). */
const UNREACHABLE = {
  jsm: {
    consumers: {
      list: () => ({
        [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error("no NATS in this test")) }),
      }),
      info: () => Promise.reject(new Error("no NATS in this test")),
    },
  },
  names: wireNames("sy"),
} as unknown as Pick<Bus, "jsm" | "names">;

/** The metrics a service of `role` serves: what `runServiceProcess` creates, plus what the service adds to it. */
function serviceMetrics(role: MetricsRole): Metrics {
  const service = { coordinator: "coordinator", agent: "agent-researcher", executor: "executor", base: "console" }[
    role
  ];
  const metrics = createMetrics({ service, role });
  // createCoordinator adds the agents' backlog and its pending timers.
  if (role === "coordinator") addBacklogGauges(metrics, { bus: UNREACHABLE });
  return metrics;
}

/** Every series name a service of `role` exposes (histogram `_bucket`/`_sum`/`_count` included), with its labels. */
async function exportedSeries(role: MetricsRole): Promise<Map<string, Set<string>>> {
  const { registry } = serviceMetrics(role);
  const series = new Map<string, Set<string>>();
  for (const m of await registry.getMetricsAsJSON()) {
    const metric = registry.getSingleMetric(m.name) as unknown as { labelNames?: readonly string[] } | undefined;
    const labels = new Set(metric?.labelNames ?? []);
    // Default metrics may carry labels that are not declared up front (e.g. `version` of nodejs_version_info).
    for (const v of m.values) for (const l of Object.keys(v.labels)) labels.add(l);
    const type = String(m.type);
    if (type === "histogram") {
      series.set(`${m.name}_bucket`, new Set([...labels, "le"]));
      series.set(`${m.name}_sum`, labels);
      series.set(`${m.name}_count`, labels);
    } else if (type === "summary") {
      series.set(m.name, new Set([...labels, "quantile"]));
      series.set(`${m.name}_sum`, labels);
      series.set(`${m.name}_count`, labels);
    } else {
      series.set(m.name, labels);
    }
  }
  return series;
}

/** What each kind of service exports. */
const BY_ROLE = new Map(await Promise.all(METRICS_ROLES.map(async (r) => [r, await exportedSeries(r)] as const)));
/** What some service exports: a series no role has is a query on nothing. */
const EXPORTED = new Map<string, Set<string>>();
for (const series of BY_ROLE.values()) {
  for (const [name, labels] of series) EXPORTED.set(name, new Set([...(EXPORTED.get(name) ?? []), ...labels]));
}
/** Labels Prometheus adds to every scraped series (deploy/prometheus/prometheus.yml: job, instance, compose_service). */
const TARGET_LABELS = new Set(["job", "instance", "compose_service"]);
/** Series Prometheus writes itself for every scrape, not the services. */
const SYNTHETIC = new Map([["up", new Set<string>()]]);

// --- The expressions ----------------------------------------------------------------------------------------------

type Panel = {
  title?: string;
  type?: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  targets?: { expr?: string; datasource?: { type?: string; uid?: string } }[];
  panels?: Panel[];
};
type Dashboard = {
  uid?: string;
  title?: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: unknown; definition?: string }[] };
};
type Rule = {
  alert?: string;
  expr?: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
};

const dashboard = JSON.parse(read("deploy/grafana/switchyard-dashboard.json")) as Dashboard;
const alerts = parse(read("deploy/prometheus/alerts.yml")) as { groups: { name: string; rules: Rule[] }[] };

const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
const dashboardExprs = allPanels(dashboard.panels).flatMap((p) =>
  (p.targets ?? []).map((t) => ({ where: `dashboard panel "${p.title}"`, expr: t.expr ?? "" })),
);
const variableExprs = dashboard.templating.list
  .filter((v) => v.type === "query")
  .map((v) => ({ where: `dashboard variable $${v.name}`, expr: v.definition ?? "" }));
const ruleExprs = alerts.groups.flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr ?? "" })));
const EXPRESSIONS = [...dashboardExprs, ...variableExprs, ...ruleExprs];

/** Grafana's variables become a duration or a value before the query runs. */
const withoutGrafanaVariables = (expr: string) =>
  expr.replace(/\$__(rate_interval|interval|range)\b/g, "5m").replace(/\$\{?\w+\}?/g, "x");

/**
 * A structural parse of PromQL: strings closed, brackets balanced and matched, range selectors holding a duration,
 * label matchers of the form `name op "value"`. Returns the problems found (none when the expression is well-formed).
 */
function checkPromql(expr: string): string[] {
  const problems: string[] = [];
  const e = withoutGrafanaVariables(expr);
  const stack: string[] = [];
  const pairs: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
  for (let i = 0; i < e.length; i++) {
    const c = e.charAt(i);
    if (c === '"' || c === "'") {
      const end = findStringEnd(e, i);
      if (end < 0) return [`unterminated string at ${i}`];
      i = end;
    } else if (c === "(" || c === "[" || c === "{") stack.push(c);
    else if (c === ")" || c === "]" || c === "}") {
      if (stack.pop() !== pairs[c]) return [`unbalanced ${c} at ${i}`];
    }
  }
  if (stack.length > 0) problems.push(`unclosed ${stack.join("")}`);
  for (const [, range] of e.matchAll(/\[([^\]]*)\]/g)) {
    if (!/^\s*\d+[smhdwy](\s*:\s*(\d+[smhdwy])?)?\s*$/.test(range ?? "")) problems.push(`bad range [${range}]`);
  }
  for (const [, , body] of e.matchAll(/([A-Za-z_:][\w:]*)?\{([^}]*)\}/g)) {
    const matchers = (body ?? "").trim();
    if (matchers === "") continue;
    for (const m of splitMatchers(matchers)) {
      if (!/^\s*[A-Za-z_]\w*\s*(=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"\s*$/.test(m)) problems.push(`bad label matcher ${m}`);
    }
  }
  if (e.trim() === "") problems.push("empty expression");
  return problems;
}

function findStringEnd(s: string, start: number): number {
  const quote = s.charAt(start);
  for (let i = start + 1; i < s.length; i++) {
    if (s.charAt(i) === "\\") i++;
    else if (s.charAt(i) === quote) return i;
  }
  return -1;
}

function splitMatchers(body: string): string[] {
  const out: string[] = [];
  let current = "";
  for (let i = 0; i < body.length; i++) {
    const c = body.charAt(i);
    if (c === '"') {
      const end = findStringEnd(body, i);
      current += body.slice(i, end + 1);
      i = end;
    } else if (c === ",") {
      out.push(current);
      current = "";
    } else current += c;
  }
  if (current.trim() !== "") out.push(current);
  return out;
}

/** Metric names an expression uses: Switchyard's (`sy_…`), Node's default ones, and any name directly before `{`. */
function metricNames(expr: string): string[] {
  const noStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const names = new Set<string>();
  for (const [name] of noStrings.matchAll(/\b(?:sy|process|nodejs)_\w+/g)) names.add(name);
  for (const [, name] of noStrings.matchAll(/\b([A-Za-z_:][\w:]*)\{/g)) if (name !== undefined) names.add(name);
  return [...names];
}

/** `metric{label op "value", …}` pairs of an expression (selectors only; label names in `by (…)` are below). */
function selectors(expr: string): { metric: string; labels: string[] }[] {
  return [...expr.matchAll(/\b([A-Za-z_:][\w:]*)\{([^}]*)\}/g)].map(([, metric, body]) => ({
    metric: metric ?? "",
    labels: splitMatchers(body ?? "").map((m) => m.trim().split(/\s*(?:=~|!~|!=|=)/)[0] ?? ""),
  }));
}

const known = (name: string) => EXPORTED.get(name) ?? SYNTHETIC.get(name);

describe("the metrics the observability files use exist", () => {
  it("the registries the services build have their role's metrics and Node's default ones", () => {
    // A guard on the test itself: with an empty list every check below would fail loudly, but say so directly.
    const has = (role: MetricsRole, name: string) => BY_ROLE.get(role)?.has(name) ?? false;
    expect(has("coordinator", "sy_goals_finished_total")).toBe(true);
    expect(has("coordinator", "sy_goal_duration_seconds_bucket")).toBe(true);
    expect(has("coordinator", "sy_agent_backlog")).toBe(true);
    expect(has("coordinator", "sy_metrics_collect_errors_total")).toBe(true);
    expect(has("agent", "sy_subtasks_finished_total")).toBe(true);
    expect(has("executor", "sy_actions_total")).toBe(true);
    for (const role of METRICS_ROLES) {
      expect(has(role, "sy_in_flight"), role).toBe(true);
      expect(has(role, "process_cpu_seconds_total"), role).toBe(true);
      expect(has(role, "nodejs_eventloop_lag_p99_seconds"), role).toBe(true);
    }
    // Each role only its own: the executor's actions are nowhere else, the agents' runs only on agents.
    expect(has("agent", "sy_actions_total") || has("coordinator", "sy_actions_total")).toBe(false);
    expect(has("executor", "sy_model_cost_usd_total") || has("executor", "sy_goals_finished_total")).toBe(false);
    expect(has("coordinator", "sy_subtasks_finished_total") || has("executor", "sy_subtasks_finished_total")).toBe(
      false,
    );
  });

  it("finds the expressions: every dashboard panel with a query, every alert", () => {
    expect(dashboardExprs.length).toBeGreaterThanOrEqual(20);
    expect(ruleExprs.length).toBe(alerts.groups.flatMap((g) => g.rules).length);
    for (const { where, expr } of EXPRESSIONS) expect(expr.trim(), where).not.toBe("");
  });

  it("every expression is well-formed PromQL (strings, brackets, ranges, label matchers)", () => {
    for (const { where, expr } of EXPRESSIONS) expect(checkPromql(expr), `${where}: ${expr}`).toEqual([]);
  });

  it("the structural check itself rejects broken expressions", () => {
    expect(checkPromql('sum(rate(sy_x{a="b"}[5m])')).not.toEqual([]);
    expect(checkPromql('rate(sy_x{a="b}[5m])')).not.toEqual([]);
    expect(checkPromql("rate(sy_x[five])")).not.toEqual([]);
    expect(checkPromql("rate(sy_x{a=b}[5m])")).not.toEqual([]);
    expect(checkPromql('sum by (agent) (rate(sy_x{agent=~"$agent"}[$__rate_interval])) * 3600')).toEqual([]);
  });

  it("every metric an expression names is one the services export", () => {
    const used = new Set<string>();
    for (const { where, expr } of EXPRESSIONS) {
      const names = metricNames(expr);
      expect(names.length, `${where} uses no metric: ${expr}`).toBeGreaterThan(0);
      for (const name of names) {
        used.add(name);
        expect(known(name), `${where}: ${name} is not exported (renamed?)`).toBeDefined();
      }
    }
    // The panels the dashboard promises are all there.
    for (const name of [
      "sy_goals_finished_total",
      "sy_goal_duration_seconds_bucket",
      "sy_model_cost_usd_total",
      "sy_failures_total",
      "sy_approvals_total",
      "sy_limit_hits_total",
      "sy_in_flight",
      "sy_agent_backlog",
      "sy_actions_total",
    ]) {
      expect(used, name).toContain(name);
    }
  });

  it("every label an expression selects on is a label of that metric (or one Prometheus adds)", () => {
    for (const { where, expr } of EXPRESSIONS) {
      for (const { metric, labels } of selectors(expr)) {
        const allowed = known(metric);
        if (allowed === undefined) continue; // reported by the test above
        for (const label of labels) {
          expect(allowed.has(label) || TARGET_LABELS.has(label), `${where}: ${metric} has no label "${label}"`).toBe(
            true,
          );
        }
      }
    }
  });

  it("the check fails on a renamed metric", () => {
    expect(metricNames("sum(rate(sy_goals_done_total[5m]))").every((n) => known(n) !== undefined)).toBe(false);
    expect(metricNames('sum(rate(sy_goals_finished_total{status="ok"}[5m]))').map(known)).not.toContain(undefined);
  });
});

describe("deploy/grafana/switchyard-dashboard.json", () => {
  it("queries through a templated Prometheus datasource", () => {
    const ds = dashboard.templating.list.find((v) => v.name === "DS_PROMETHEUS");
    expect(ds?.type).toBe("datasource");
    expect(ds?.query).toBe("prometheus");
    for (const p of allPanels(dashboard.panels).filter((p) => p.type !== "row")) {
      expect(p.datasource, p.title).toEqual({ type: "prometheus", uid: "${DS_PROMETHEUS}" });
      for (const t of p.targets ?? []) expect(t.datasource?.uid, p.title).toBe("${DS_PROMETHEUS}");
    }
  });

  it("has the panels of the observability issue, and says where no metric exists", () => {
    const titles = allPanels(dashboard.panels).map((p) => p.title ?? "");
    for (const want of [
      /goals finished by status/i,
      /goal latency/i,
      /cost burn by agent/i,
      /failure kinds/i,
      /backlog/i,
      /approvals waiting/i,
      /approvals decided/i,
      /limits hit/i,
      /actions by outcome/i,
    ]) {
      expect(
        titles.some((t) => want.test(t)),
        String(want),
      ).toBe(true);
    }
    const backlog = allPanels(dashboard.panels).find((p) => /backlog/i.test(p.title ?? ""));
    expect(backlog?.targets?.[0]?.expr).toMatch(/^max by \(agent\) \(sy_agent_backlog\{/);
    const actions = allPanels(dashboard.panels).find((p) => /actions by outcome/i.test(p.title ?? ""));
    expect(actions?.targets?.[0]?.expr).toContain("sy_actions_total");
    const cost = allPanels(dashboard.panels).find((p) => /cost burn/i.test(p.title ?? ""));
    expect(cost?.targets?.[0]?.expr).toMatch(/\* 3600$/);
  });

  it("has a stable uid and unique panel ids", () => {
    expect(dashboard.uid).toBe("switchyard");
    const ids = allPanels(dashboard.panels).map((p) => (p as { id?: number }).id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("deploy/prometheus/alerts.yml", () => {
  it("has the expected groups, each rule with alert, expr, for, labels.severity and annotations.summary", () => {
    expect(alerts.groups.map((g) => g.name)).toEqual([
      "switchyard-goals",
      "switchyard-budgets",
      "switchyard-delivery",
      "switchyard-approvals",
    ]);
    const names = new Set<string>();
    for (const group of alerts.groups) {
      expect(group.rules.length, group.name).toBeGreaterThan(0);
      for (const rule of group.rules) {
        expect(rule.alert, group.name).toMatch(/^Switchyard[A-Z]\w+$/);
        expect(names.has(rule.alert ?? ""), `duplicate ${rule.alert}`).toBe(false);
        names.add(rule.alert ?? "");
        expect(rule.expr?.trim(), rule.alert).toBeTruthy();
        expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
        expect(["info", "warning", "critical"], rule.alert).toContain(rule.labels?.["severity"]);
        expect(rule.annotations?.["summary"]?.trim(), rule.alert).toBeTruthy();
      }
    }
    // The conditions of the issue: stuck goals, limit hits, failure spikes, saturation, approvals expiring.
    for (const want of [
      "SwitchyardGoalsStuck",
      "SwitchyardLimitHitRateHigh",
      "SwitchyardFailureSpike",
      "SwitchyardReplicaSaturated",
      "SwitchyardApprovalsExpired",
      "SwitchyardAgentBacklogGrowing",
      "SwitchyardActionsNotExecuted",
    ]) {
      expect(names, want).toContain(want);
    }
  });

  // promtool is not installed in CI (Debian's `prometheus` package ships it); where it is, it is the real parser.
  const promtool = (() => {
    try {
      return execFileSync("sh", ["-c", "command -v promtool"], { encoding: "utf8" }).trim() || undefined;
    } catch {
      return undefined;
    }
  })();
  it.skipIf(promtool === undefined)("passes `promtool check rules` (skipped: promtool is not on PATH)", () => {
    const out = execFileSync(promtool ?? "promtool", ["check", "rules", join(ROOT, "deploy/prometheus/alerts.yml")], {
      encoding: "utf8",
    });
    expect(out).toMatch(/SUCCESS/);
  });
});

describe("deploy/prometheus/prometheus.yml and the Grafana provisioning", () => {
  type Compose = {
    services: Record<
      string,
      { environment?: Record<string, string>; volumes?: string[]; profiles?: string[]; build?: unknown }
    >;
  };
  const compose = parse(read("docker-compose.yml"), { merge: true }) as Compose;
  const prometheus = parse(read("deploy/prometheus/prometheus.yml")) as {
    rule_files: string[];
    scrape_configs: {
      job_name: string;
      metrics_path?: string;
      dns_sd_configs?: { names: string[]; type: string; port: number }[];
    }[];
  };
  const appServices = Object.entries(compose.services)
    .filter(([, svc]) => svc.environment?.["SY_METRICS_PORT"] !== undefined)
    .map(([name]) => name);

  it("scrapes every replica of every app service on its metrics port", () => {
    const job = prometheus.scrape_configs.find((j) => j.job_name === "switchyard");
    expect(job?.metrics_path ?? "/metrics").toBe("/metrics");
    const dns = job?.dns_sd_configs?.[0];
    expect(dns?.type).toBe("A");
    expect([...(dns?.names ?? [])].sort()).toEqual([...appServices].sort());
    expect(appServices.length).toBeGreaterThanOrEqual(8);
    for (const name of appServices) {
      expect(String(dns?.port), name).toBe(compose.services[name]?.environment?.["SY_METRICS_PORT"]);
    }
  });

  it("loads the alert rules from where compose mounts them", () => {
    const mount = compose.services["prometheus"]?.volumes?.find((v) => v.startsWith("./deploy/prometheus/alerts.yml:"));
    expect(mount).toBeDefined();
    expect(prometheus.rule_files).toEqual([mount?.split(":")[1]]);
  });

  it("provisions the Prometheus datasource and the dashboard from where compose mounts them", () => {
    const ds = parse(read("deploy/grafana/provisioning/datasources/prometheus.yml")) as {
      datasources: { type: string; url: string; isDefault?: boolean }[];
    };
    expect(ds.datasources).toHaveLength(1);
    expect(ds.datasources[0]).toMatchObject({ type: "prometheus", url: "http://prometheus:9090", isDefault: true });
    const providers = parse(read("deploy/grafana/provisioning/dashboards/switchyard.yml")) as {
      providers: { type: string; options: { path: string } }[];
    };
    const dashboardMount = compose.services["grafana"]?.volumes?.find((v) =>
      v.startsWith("./deploy/grafana/switchyard-dashboard.json:"),
    );
    const target = dashboardMount?.split(":")[1] ?? "";
    expect(target.startsWith(`${providers.providers[0]?.options.path}/`), target).toBe(true);
  });
});
