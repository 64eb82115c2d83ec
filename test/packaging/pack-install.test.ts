// The packages as a user outside this repository gets them: contracts, infra, models and the agent kit packed by
// `pnpm pack`, installed with npm into a project in the system's temp dir, a specialist written there in TypeScript,
// compiled with plain `tsc` (module nodenext) and run with plain `node` — no tsx, no loader — on a real bus, where a
// goal completes through it. It rebuilds those packages' dist/ in the workspace, so it runs in `pnpm test:heavy`,
// one file at a time (compiled-services.test.ts rebuilds them too).
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Goal, WIRE_VERSION } from "@switchyard/contracts";
import { createCoordinator, type Coordinator } from "@switchyard/coordinator";
import { createLogger, publishJson, type Bus } from "@switchyard/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectTestBus, startTestNats, testEnv, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import { ROOT } from "../fixtures/processes.ts";
import { waitForStoredResult } from "../fixtures/wait-for-goal.ts";
import { buildAndPack, listFiles, run, workspaceVersion, writeProject } from "./consumer-project.ts";
import { startNode, type NodeProcess } from "./node-process.ts";

const PACKAGES = { contracts: "contracts", infra: "infra", models: "models", "agent-kit": "agents/kit" } as const;
// Test-only dependencies that must not reach a user's install (testcontainers pulls the other two).
const TEST_ONLY = ["@testcontainers/nats", "testcontainers", "dockerode", "ssh2"];
const TSC = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const SETUP_TIMEOUT_MS = 10 * 60_000;
// The root README's example of a specialist outside the repository: compiled with the rest (not run).
const README_EXAMPLE = /## Using the packages outside this repository[\s\S]*?```ts\n([\s\S]*?)```/.exec(
  readFileSync(join(ROOT, "README.md"), "utf8"),
)?.[1];

// What a specialist author writes: their own agent, on the kit, compiled by their own tsc.
const SPECIALIST_FILES = {
  "tsconfig.json": JSON.stringify({
    compilerOptions: {
      module: "nodenext",
      target: "es2023",
      strict: true,
      // The packages' declarations are checked too, not only used.
      skipLibCheck: false,
      types: ["node"],
      rootDir: "src",
      outDir: "dist",
    },
    include: ["src"],
  }),
  "src/agent.ts": `import { defineAgent, type HandlerContext } from "@switchyard/agent-kit";
import { AgentName } from "@switchyard/contracts";
import { z } from "zod";

export const counter = defineAgent({
  name: AgentName.parse("counter"),
  version: "1.0.0",
  description: "Counts the words of a text.",
  input: z.object({ text: z.string() }),
  output: z.object({ words: z.int(), module: z.string(), execArgv: z.array(z.string()), kit: z.string() }),
  handler: async ({ text }, ctx: HandlerContext) => {
    ctx.logger.info({ event: "counter.counted" }, "counted");
    return {
      words: text.split(/\\s+/).filter(Boolean).length,
      // Where this code and the kit were loaded from, and how node was started.
      module: import.meta.url,
      execArgv: process.execArgv,
      kit: import.meta.resolve("@switchyard/agent-kit"),
    };
  },
});
`,
  "src/readme-example.ts": README_EXAMPLE ?? "",
  "src/main.ts": `import { runAgent } from "@switchyard/agent-kit";
import { counter } from "./agent.js";

await runAgent(counter);
`,
};

const logger = createLogger({ service: "test", level: "silent" });
let project: string;
let tarballDir: string;
let server: NatsServerHandle;
let bus: Bus;
let coordinator: Coordinator;
let specialist: NodeProcess | undefined;

beforeAll(async () => {
  // Real path: node reports a module's URL with symlinks (e.g. a linked temp dir) resolved.
  project = realpathSync(mkdtempSync(join(tmpdir(), "sy-consumer-")));
  tarballDir = mkdtempSync(join(tmpdir(), "sy-tarballs-"));
  const tarballs = await buildAndPack(Object.values(PACKAGES), tarballDir);
  writeProject(project, SPECIALIST_FILES);
  await run(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      ...Object.values(tarballs),
      `zod@${workspaceVersion("zod")}`,
      `@types/node@${workspaceVersion("@types/node")}`,
    ],
    project,
  );
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await specialist?.stop();
  await coordinator?.stop();
  await bus?.close();
  await server?.stop();
  for (const dir of [project, tarballDir]) if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const installed = (name: keyof typeof PACKAGES) => join(project, "node_modules", "@switchyard", name);
const manifestOf = (name: keyof typeof PACKAGES) =>
  JSON.parse(readFileSync(join(installed(name), "package.json"), "utf8")) as Record<string, unknown> & {
    dependencies?: Record<string, string>;
  };

describe("the packed packages", () => {
  it.each(Object.keys(PACKAGES) as (keyof typeof PACKAGES)[])("%s ships compiled JavaScript only", (name) => {
    const files = listFiles(installed(name));
    expect(files).toEqual(expect.arrayContaining(["package.json", "README.md", "LICENSE", "dist/index.js"]));
    // Besides the code, the contracts ship their JSON Schemas and AsyncAPI document for other languages.
    const documents = name === "contracts" ? /^(schema\/\w+\.json|asyncapi\.yaml)$/ : /^$/;
    expect(
      files.filter(
        (f) => !/^(dist\/.+\.(js|d\.ts|js\.map)|package\.json|README\.md|LICENSE)$/.test(f) && !documents.test(f),
      ),
    ).toEqual([]);
    if (name === "contracts") expect(files).toEqual(expect.arrayContaining(["asyncapi.yaml", "schema/Goal.json"]));
    expect(files.filter((f) => /\.test\.|test-helpers/.test(f))).toEqual([]);
    const manifest = manifestOf(name);
    expect(manifest["exports"]).toMatchObject({ ".": { types: "./dist/index.d.ts", default: "./dist/index.js" } });
    expect(manifest["license"]).toBe("Apache-2.0");
    expect(manifest["private"]).toBeUndefined();
    // workspace: and catalog: specifiers became the real versions.
    for (const [dep, version] of Object.entries(manifest.dependencies ?? {})) {
      expect(version, dep).toMatch(/^\d+\.\d+\.\d+/);
    }
  });

  it("install from the tarballs without any test-only dependency", () => {
    const lock = JSON.parse(readFileSync(join(project, "package-lock.json"), "utf8")) as {
      packages: Record<string, { resolved?: string }>;
    };
    const names = Object.keys(lock.packages).map((path) => path.replace(/^.*node_modules\//, ""));
    for (const name of TEST_ONLY) expect(names, name).not.toContain(name);
    // The workspace packages came from the tarballs, not from a registry.
    for (const name of Object.keys(PACKAGES)) {
      expect(lock.packages[`node_modules/@switchyard/${name}`]?.resolved, name).toMatch(/^file:.*\.tgz$/);
    }
  });
});

describe("a specialist built on them outside the repository", () => {
  beforeAll(async () => {
    expect(README_EXAMPLE, "the README's example").toContain("defineAgent");
    // The specialist and the README's example compile against the installed declarations, or this throws.
    await run(process.execPath, [TSC, "-p", "tsconfig.json"], project);
    server = await startTestNats();
    const prefix = uniquePrefix();
    const { bus: admin, buckets } = await connectTestBus(server, prefix);
    bus = admin;
    coordinator = await createCoordinator({
      bus,
      buckets,
      logger,
      templates: {
        count: {
          description: "one subtask for the specialist built outside the repository",
          subtasks: [{ id: "count", agent: "counter", input: { text: "$goal.text" }, dependsOn: [] }],
        },
      },
      defaultPlan: "count",
    });
    // Plain node, the compiled entry, the identity of an agent: nothing of the workspace's tooling.
    specialist = startNode("counter", ["dist/main.js"], project, {
      PATH: process.env["PATH"] ?? "",
      HOME: process.env["HOME"] ?? "",
      ...testEnv(server, prefix, {}, "agent-counter"),
    });
    await specialist.ready();
  }, SETUP_TIMEOUT_MS);

  it("completes a goal through the specialist, running the installed compiled code", async () => {
    const id = randomUUID();
    const goal = Goal.parse({ v: WIRE_VERSION, id, tenant: "acme", user: "ana", text: "three little words" });
    await publishJson(bus, bus.names.subjects.goalSubmit("acme"), Goal, goal);
    const result = await waitForStoredResult(bus, id);
    expect(result.status, JSON.stringify(result.failure)).toBe("ok");
    const modules = pathToFileURL(join(project, "node_modules")).href;
    expect(result.output).toEqual({
      words: 3,
      module: pathToFileURL(join(project, "dist", "agent.js")).href,
      execArgv: [],
      kit: `${modules}/@switchyard/agent-kit/dist/index.js`,
    });
    expect(result.subtasks.map((s) => s.agent)).toEqual(["counter"]);
    expect(specialist?.lines.some((l) => l.includes('"event":"counter.counted"'))).toBe(true);
  });
});
