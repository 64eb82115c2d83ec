// The Docker image without Docker: `pnpm build` (its build stage), then every service of docker-compose.yml started
// with its `command` and the image's NODE_OPTIONS — compiled JavaScript under plain node, no TypeScript loader —
// on a real bus, where a demo goal and a support goal with an automatically approved refund complete. It rebuilds
// every dist/ in the workspace, so it runs in `pnpm test:heavy`, one file at a time.
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Goal, WIRE_VERSION } from "@switchyard/contracts";
import { publishJson, type Bus } from "@switchyard/infra";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectTestBus, startTestNats, testEnv, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import { ROOT } from "../fixtures/processes.ts";
import { waitForStoredResult } from "../fixtures/wait-for-goal.ts";
import { run } from "./consumer-project.ts";
import { startNode, type NodeProcess } from "./node-process.ts";

type Service = { command?: string[]; environment?: Record<string, string> };
const compose = parse(readFileSync(join(ROOT, "docker-compose.yml"), "utf8"), { merge: true }) as {
  services: Record<string, Service>;
};
const services = Object.entries(compose.services).filter(([, svc]) => svc.command?.[0] === "node");
const runtimeStage =
  readFileSync(join(ROOT, "Dockerfile"), "utf8")
    .split(/^FROM /m)
    .at(-1) ?? "";
const NODE_OPTIONS = /^ENV NODE_OPTIONS="([^"]*)"$/m.exec(runtimeStage)?.[1];
// Compose's values that name the container's world (the bus, the credentials volume, a shared metrics port) give way
// to the test's; a `${VAR:-}` pass-through from the host is left unset.
const CONTAINER_ONLY = [
  "NATS_URL",
  "NATS_NKEY",
  "NATS_INBOX_PREFIX",
  "SY_PREFIX",
  "SY_METRICS_PORT",
  "SY_METRICS_HOST",
];
const BUILD_TIMEOUT_MS = 10 * 60_000;

let server: NatsServerHandle;
let bus: Bus;
const running = new Map<string, NodeProcess>();
let authDir: string | undefined;

/** The environment of the image's runtime stage. */
function imageEnv(): Record<string, string> {
  // Without its NODE_OPTIONS the services would resolve the workspace's sources, and this file would test nothing.
  if (NODE_OPTIONS === undefined) throw new Error("the Dockerfile's runtime stage sets no NODE_OPTIONS");
  return { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", NODE_ENV: "production", NODE_OPTIONS };
}

/** The image's environment plus the service's own from compose, connected as `identity` to the test's bus. */
function serviceEnv(svc: Service, prefix: string, identity: string): Record<string, string> {
  const own = Object.entries(svc.environment ?? {}).filter(
    ([k, v]) => !CONTAINER_ONLY.includes(k) && !v.includes("${"),
  );
  return { ...imageEnv(), ...Object.fromEntries(own), ...testEnv(server, prefix, {}, identity) };
}

beforeAll(async () => {
  await run("pnpm", ["build"], ROOT);
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all([...running.values()].map((p) => p.stop()));
  await bus?.close();
  await server?.stop();
  if (authDir !== undefined) rmSync(authDir, { recursive: true, force: true });
});

describe("the image's services, compiled", () => {
  it("has NODE_OPTIONS in the Dockerfile's runtime stage and compose services run by node", () => {
    expect(NODE_OPTIONS).toContain("--conditions=@switchyard/dist");
    expect(services.map(([name]) => name)).toEqual(expect.arrayContaining(["auth-init", "coordinator", "executor"]));
  });

  it("auth-init's command writes a seed for every service", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sy-image-auth-"));
    authDir = dir;
    const [, ...args] = (compose.services["auth-init"]?.command ?? []).map((a) => (a === "/auth" ? dir : a));
    const init = startNode("auth-init", args, ROOT, imageEnv());
    expect(await init.exited, init.lines.join("\n")).toBe(0);
    for (const [name] of services.filter(([n]) => n !== "auth-init")) {
      expect(existsSync(join(dir, `${name}.nk`)), name).toBe(true);
    }
  });

  it("every service starts, and goals complete through the compiled coordinator, agents and executor", async () => {
    server = await startTestNats();
    const prefix = uniquePrefix();
    ({ bus } = await connectTestBus(server, prefix));
    for (const [name, svc] of services.filter(([n]) => n !== "auth-init")) {
      const [, ...args] = svc.command ?? [];
      running.set(name, startNode(name, args, ROOT, serviceEnv(svc, prefix, name)));
    }
    await Promise.all([...running.values()].map((p) => p.ready()));

    const demo = Goal.parse({
      v: WIRE_VERSION,
      id: randomUUID(),
      tenant: "default",
      user: "ana",
      text: "Agents need budgets.",
      plan: "demo",
    });
    const refund = Goal.parse({
      v: WIRE_VERSION,
      id: randomUUID(),
      tenant: "default",
      user: "sam",
      text: "The merino socks from order A-1002 have holes already. Can I get a refund?",
      plan: "support",
      input: { customerId: "C-42", orderId: "A-1002" },
    });
    for (const goal of [demo, refund]) await publishJson(bus, bus.names.subjects.goalSubmit("default"), Goal, goal);

    const demoResult = await waitForStoredResult(bus, demo.id, 120_000);
    expect(demoResult.status, JSON.stringify(demoResult.failure)).toBe("ok");
    const refundResult = await waitForStoredResult(bus, refund.id, 120_000);
    expect(refundResult.status, JSON.stringify(refundResult.failure)).toBe("ok");
    // Approved by the policy file compose gives the coordinator, and run by the executor.
    expect(refundResult.subtasks.find((s) => s.subtaskId === "refund")?.output).toMatchObject({ decision: "refund" });
    expect(running.get("executor")?.lines.some((l) => l.includes('"event":"action.started"'))).toBe(true);
  }, 300_000);
});
