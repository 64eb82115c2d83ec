// The agent kit README's "ten minutes" example must compile against the real kit, and must work offline.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LlmAgentDefinition } from "@switchyard/agent-kit";
import { createLogger } from "@switchyard/infra";
import ts from "typescript";
import { beforeAll, expect, it } from "vitest";
import { ROOT } from "../fixtures/processes.ts";

const readme = readFileSync(join(ROOT, "agents/kit/README.md"), "utf8");
const example = /## Add a specialist in ten minutes[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
// Written next to the tests so it resolves the workspace packages as a specialist's package would.
const file = join(ROOT, "test/.generated/kit-readme-example.ts");

beforeAll(() => {
  expect(example, "the README has the example block").toBeDefined();
  mkdirSync(join(ROOT, "test/.generated"), { recursive: true });
  writeFileSync(file, example ?? "");
});

it("type-checks under the project's strict compiler options", () => {
  const config = ts.readConfigFile(join(ROOT, "tsconfig.json"), (p) => ts.sys.readFile(p));
  // Checked with the whole project, as a specialist's package is under `pnpm typecheck`.
  const { options, fileNames } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram([...fileNames, file], { ...options, noEmit: true });
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file);
  expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))).toEqual([]);
}, 60_000);

it("runs offline and answers from its tool", async () => {
  const mod = (await import(file)) as { orderStatus: LlmAgentDefinition };
  const kit = await import("@switchyard/agent-kit");
  const controller = new AbortController();
  const outcome = await kit.runLlmAgent({
    agent: mod.orderStatus,
    model: kit.resolveModel(mod.orderStatus.model, {}),
    input: { orderId: "A-1" },
    upstream: {},
    budget: mod.orderStatus.budget,
    deadlineMs: Date.now() + 10_000,
    signal: controller.signal,
    cancelled: () => false,
    goalId: "g1",
    tenant: "acme",
    subtaskId: "s1",
    logger: createLogger({ service: "test", level: "silent" }),
    services: { emit: async () => {}, effects: kit.createMemoryEffectsLedger(), propose: async () => {} },
  });
  expect(outcome).toMatchObject({ status: "ok", output: { status: "shipped" } });
});
