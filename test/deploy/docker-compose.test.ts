// No Docker engine runs in CI, so this checks what can be checked without one: the file parses, every service
// runs something that exists in the workspace, and the environment it passes is valid configuration.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "@nats-io/transport-node";
import { A2aEnv } from "@switchyard/a2a-gateway";
import { BridgeEnv } from "@switchyard/agent-protocol";
import { CoordinatorEnv } from "@switchyard/coordinator";
import { ExecutorEnv } from "@switchyard/executor";
import { ConfigEnv, identity, initAuthDir, loadConfig, startNatsServer } from "@switchyard/infra";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ROOT } from "../fixtures/processes.ts";

type Service = {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
  volumes?: string[];
  healthcheck?: { test?: string[] };
  profiles?: string[];
  ports?: string[];
};
const compose = parse(readFileSync(join(ROOT, "docker-compose.yml"), "utf8"), { merge: true }) as {
  services: Record<string, Service>;
};
// The services that are not Switchyard's own: the bus, its credentials, and the `observability` profile.
const OBSERVABILITY = ["prometheus", "grafana", "jaeger"];
const NOT_SWITCHYARD = new Set(["nats", "auth-init", ...OBSERVABILITY]);
const switchyard = Object.entries(compose.services).filter(([name]) => !NOT_SWITCHYARD.has(name));
// The `gateways` profile: a tenant's A2A gateway and NATS agent-protocol bridge, each as its own identity.
const GATEWAYS = ["a2a-default", "bridge-default"];
const core = switchyard.filter(([name]) => !GATEWAYS.includes(name));
// Variables read by libraries rather than Switchyard's config: model keys (models) and the OTLP exporter's (OTel SDK).
const PassThroughEnv = z.object({
  ANTHROPIC_API_KEY: z.string().optional(),
  OPENAI_API_KEY: z.string().optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().optional(),
  OTEL_EXPORTER_OTLP_HEADERS: z.string().optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.string().optional(),
  OTEL_SERVICE_NAME: z.string().optional(),
});
// Every variable a service may be given, with its rule: infra's shared config plus the coordinator's and executor's own.
const KnownEnv = z.strictObject({
  ...ConfigEnv.shape,
  ...CoordinatorEnv.shape,
  ...ExecutorEnv.shape,
  ...A2aEnv.partial().shape,
  ...BridgeEnv.partial().shape,
  ...PassThroughEnv.shape,
});

describe("docker-compose.yml", () => {
  it("runs nats with JetStream on a volume from a pinned 2.10+ image", () => {
    const nats = compose.services["nats"];
    expect(nats?.image).toMatch(/^nats:2\.(1\d)\.\d+(-alpine)?$/);
    expect(nats?.volumes).toContain("nats-data:/data");
    const conf = readFileSync(join(ROOT, "deploy/nats.conf"), "utf8");
    expect(conf).toMatch(/jetstream\s*{[^}]*store_dir: \/data/);
    expect(nats?.volumes).toContain("./deploy/nats.conf:/etc/nats/nats.conf:ro");
  });

  it("runs with authorization: generated credentials, each service its own identity, the port on loopback only", () => {
    const nats = compose.services["nats"];
    const init = compose.services["auth-init"];
    expect(init?.command?.slice(0, 6)).toEqual(["node", "cli/dist/main.js", "auth", "init", "--out", "/auth"]);
    expect(init?.volumes).toContain("auth:/auth");
    expect(nats?.volumes).toContain("auth:/etc/nats/auth:ro");
    expect(readFileSync(join(ROOT, "deploy/nats.conf"), "utf8")).toMatch(/^include \.\/auth\/nats-auth\.conf$/m);
    expect((nats as { ports?: string[] }).ports).toEqual(["127.0.0.1:4222:4222"]);
    for (const [name, svc] of switchyard) {
      expect(svc.volumes, name).toContain("auth:/auth:ro");
      expect(svc.environment?.["NATS_NKEY"], name).toBe(`/auth/${name}.nk`);
      expect(svc.environment?.["NATS_INBOX_PREFIX"], name).toBe(`_INBOX_${name}`);
    }
  });

  it("deploy/nats.conf with generated credentials starts a server that refuses anonymous clients", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sy-deploy-"));
    try {
      initAuthDir({ dir: join(dir, "auth"), identities: [identity("coordinator")] });
      // The container's store dir and monitoring port give way to a temporary dir and a free port, and
      // `sync_interval` (2.10+, the image's version) is left out for an older local server; the rest is as shipped.
      const conf = readFileSync(join(ROOT, "deploy/nats.conf"), "utf8")
        .replace(/^http_port: .*$/m, "")
        .replace(/^\s*sync_interval: .*$/m, "")
        .replace("store_dir: /data", "");
      writeFileSync(join(dir, "nats.conf"), conf);
      const server = await startNatsServer({ env: {}, configFile: join(dir, "nats.conf") });
      try {
        await expect(connect({ servers: server.url, maxReconnectAttempts: 0 })).rejects.toThrow(/authorization/i);
      } finally {
        await server.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("has the coordinator, the executor and every example agent as its own service with a replica count", () => {
    const agentDirs = ["classifier", "keywords", "refunds", "report", "researcher", "writer"];
    expect(core.map(([n]) => n).sort()).toEqual(
      ["coordinator", "executor", ...agentDirs.map((a) => `agent-${a}`)].sort(),
    );
    for (const [name, svc] of core) {
      expect(svc.deploy?.replicas, name).toBeGreaterThanOrEqual(1);
      expect(svc.build, name).toBe(".");
    }
  });

  it("has an optional gateways profile: the A2A gateway and the agent-protocol bridge of the tenant default", () => {
    const init = compose.services["auth-init"]?.command ?? [];
    for (const [flag, name] of [
      ["--a2a", "a2a-default"],
      ["--bridge", "bridge-default"],
    ] as const) {
      const svc = compose.services[name];
      expect(svc?.profiles, name).toEqual(["gateways"]);
      // Its identity is one auth-init makes.
      expect(init.slice(init.indexOf(flag), init.indexOf(flag) + 2), name).toEqual([flag, "default"]);
      for (const port of svc?.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:/);
    }
    expect(A2aEnv.parse(compose.services["a2a-default"]?.environment).SY_A2A_TENANT).toBe("default");
    expect(BridgeEnv.parse(compose.services["bridge-default"]?.environment).SY_BRIDGE_TENANT).toBe("default");
  });

  it("checks each service's readiness on the metrics port every service listens on", () => {
    for (const [name, svc] of switchyard) {
      const port = svc.environment?.["SY_METRICS_PORT"];
      expect(port, name).toBeDefined();
      expect(svc.healthcheck?.test?.join(" "), name).toContain(`http://127.0.0.1:${port}/readyz`);
    }
  });

  it("passes model keys and the OTLP exporter's variables through from the host, empty by default", () => {
    for (const [name, svc] of switchyard) {
      const env = svc.environment ?? {};
      for (const v of ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_PROTOCOL"]) {
        expect(env[v], `${name} ${v}`).toBe(`\${${v}:-}`);
      }
      expect(env["OTEL_SERVICE_NAME"], name).toBe(name);
      // Model keys only where models are called: the coordinator's planner and the agents, never the executor or
      // the gateways.
      const callsModels = name !== "executor" && !GATEWAYS.includes(name);
      for (const v of ["ANTHROPIC_API_KEY", "OPENAI_API_KEY"]) {
        expect(env[v], `${name} ${v}`).toBe(callsModels ? `\${${v}:-}` : undefined);
      }
    }
  });

  it("has an optional observability profile: Prometheus, Grafana and Jaeger with the deploy files mounted", () => {
    for (const name of OBSERVABILITY) {
      expect(compose.services[name]?.profiles, name).toEqual(["observability"]);
      expect(compose.services[name]?.image, name).toMatch(/:[\w.-]*\d[\w.-]*$/); // a pinned version, not latest
      for (const port of compose.services[name]?.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:/);
    }
    for (const [name, svc] of core) expect(svc.profiles, name).toBeUndefined();
    const mounts = (name: string) => compose.services[name]?.volumes ?? [];
    expect(mounts("prometheus")).toContain("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
    expect(mounts("prometheus")).toContain("./deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro");
    expect(mounts("grafana")).toContain(
      "./deploy/grafana/provisioning/datasources:/etc/grafana/provisioning/datasources:ro",
    );
    expect(mounts("grafana")).toContain(
      "./deploy/grafana/provisioning/dashboards:/etc/grafana/provisioning/dashboards:ro",
    );
    expect(mounts("grafana")).toContain(
      "./deploy/grafana/switchyard-dashboard.json:/var/lib/grafana/dashboards/switchyard-dashboard.json:ro",
    );
    for (const name of ["prometheus", "grafana"]) {
      for (const m of mounts(name).filter((v) => v.startsWith("./"))) {
        expect(existsSync(join(ROOT, m.split(":")[0] ?? "")), m).toBe(true);
      }
    }
    // Jaeger takes OTLP over HTTP on 4318, where OTEL_EXPORTER_OTLP_ENDPOINT=http://jaeger:4318 sends the spans.
    expect(compose.services["jaeger"]?.ports).toEqual(expect.arrayContaining(["127.0.0.1:16686:16686"]));
    expect(compose.services["jaeger"]?.ports?.some((p) => p.endsWith(":4318"))).toBe(true);
    expect(readFileSync(join(ROOT, "docker-compose.yml"), "utf8")).toContain(
      "OTEL_EXPORTER_OTLP_ENDPOINT=http://jaeger:4318",
    );
  });

  it("starts each service with plain node on the compiled entry of a workspace package", () => {
    const init: [string, Service] = ["auth-init", compose.services["auth-init"] ?? {}];
    for (const [name, svc] of [...switchyard, init]) {
      const [node, entry] = svc.command ?? [];
      expect(node, name).toBe("node");
      // `<package>/dist/main.js`: what the image's `pnpm build` compiles from `<package>/src/main.ts`.
      const dir = /^(.+)\/dist\/main\.js$/.exec(entry ?? "")?.[1] ?? "";
      expect(dir, `${name}: ${entry}`).not.toBe("");
      expect(existsSync(join(ROOT, dir, "src/main.ts")), `${name}: ${dir}/src/main.ts`).toBe(true);
      const manifest = JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8")) as {
        scripts?: Record<string, string>;
      };
      expect(manifest.scripts?.["build"], `${name}: ${dir} has a build`).toMatch(/tsc -p tsconfig\.build\.json$/);
    }
  });

  it("builds the JavaScript in the image's build stage and runs it with no TypeScript loader", () => {
    const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
    const [build = "", runtime = ""] = dockerfile.split(/^FROM /m).slice(1);
    expect(build).toMatch(/pnpm build/);
    // Workspace packages resolve to their dist/ there, and a src/*.ts file cannot run even by mistake.
    expect(runtime).toMatch(/^ENV NODE_OPTIONS="--conditions=@switchyard\/dist --no-experimental-strip-types"$/m);
    expect(runtime).toMatch(/^CMD \["node", "coordinator\/dist\/main\.js"\]$/m);
    expect(dockerfile).not.toMatch(/\btsx\b/);
  });

  it("passes every service an environment the config schema accepts", () => {
    for (const [name, svc] of switchyard) {
      const env = svc.environment ?? {};
      const known = KnownEnv.safeParse(env);
      expect(known.success ? [] : known.error.issues, name).toEqual([]);
      expect(() => loadConfig(env), name).not.toThrow();
      expect(loadConfig(env).natsUrl, name).toEqual(["nats://nats:4222"]);
    }
  });
});
