// No Docker engine runs in CI, so this checks what can be checked without one: the file parses, every service
// runs something that exists in the workspace, and the environment it passes is valid configuration.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CoordinatorEnv } from "@switchyard/coordinator";
import { ExecutorEnv } from "@switchyard/executor";
import { ConfigEnv, loadConfig } from "@switchyard/infra";
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
};
const compose = parse(readFileSync(join(ROOT, "docker-compose.yml"), "utf8"), { merge: true }) as {
  services: Record<string, Service>;
};
const switchyard = Object.entries(compose.services).filter(([name]) => name !== "nats");
// Every variable a service may be given, with its rule: infra's shared config plus the coordinator's and executor's own.
const KnownEnv = z.strictObject({ ...ConfigEnv.shape, ...CoordinatorEnv.shape, ...ExecutorEnv.shape });

describe("docker-compose.yml", () => {
  it("runs nats with JetStream on a volume from a pinned 2.10+ image", () => {
    const nats = compose.services["nats"];
    expect(nats?.image).toMatch(/^nats:2\.(1\d)\.\d+(-alpine)?$/);
    expect(nats?.volumes).toContain("nats-data:/data");
    const conf = readFileSync(join(ROOT, "deploy/nats.conf"), "utf8");
    expect(conf).toMatch(/jetstream\s*{[^}]*store_dir: \/data/);
    expect(nats?.volumes).toContain("./deploy/nats.conf:/etc/nats/nats.conf:ro");
  });

  it("has the coordinator, the executor and every example agent as its own service with a replica count", () => {
    const agentDirs = ["classifier", "keywords", "refunds", "report", "researcher", "writer"];
    expect(switchyard.map(([n]) => n).sort()).toEqual(
      ["coordinator", "executor", ...agentDirs.map((a) => `agent-${a}`)].sort(),
    );
    for (const [name, svc] of switchyard) {
      expect(svc.deploy?.replicas, name).toBeGreaterThanOrEqual(1);
      expect(svc.build, name).toBe(".");
    }
  });

  it("starts each service with an entry file that exists in the workspace", () => {
    expect(existsSync(join(ROOT, "Dockerfile"))).toBe(true);
    for (const [name, svc] of switchyard) {
      const [node, flag, loader, entry] = svc.command ?? [];
      expect([node, flag, loader], name).toEqual(["node", "--import", "tsx"]);
      expect(existsSync(join(ROOT, entry ?? "")), `${name}: ${entry}`).toBe(true);
    }
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
