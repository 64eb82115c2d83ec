// The CLI on a bus where nothing runs yet: it says so plainly instead of printing a NATS error.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestNats, testEnv, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import { ROOT, runCli } from "../fixtures/processes.ts";

type Failed = { code: number; stdout: string; stderr: string };

let server: NatsServerHandle;
let prefix: string;
const cli = (...args: string[]) => runCli(testEnv(server, prefix), ...args);

beforeAll(async () => {
  server = await startTestNats();
  prefix = uniquePrefix();
});
afterAll(async () => {
  await server?.stop();
});

it("`agents` with no agents on the bus says none run under the prefix, and exits 0", async () => {
  const { stdout, stderr } = await cli("agents");
  expect(stdout.trim()).toBe(`no agents are running under prefix "${prefix}" (start them with \`pnpm switchyard up\`)`);
  expect(stderr).not.toMatch(/no responders/);
  expect(JSON.parse((await cli("agents", "--json")).stdout)).toEqual([]);
});

it("`goals` with no coordinator ever run says where it looked, and exits 1", async () => {
  const err = (await cli("goals").catch((e: Failed) => e)) as Failed;
  expect(err.code).toBe(1);
  expect(err.stderr).toMatch(
    new RegExp(`cannot read ${prefix}_goals: .*has a coordinator run under prefix "${prefix}"`),
  );
});

it("`--version` and `-v` print the CLI's version", async () => {
  const { version } = JSON.parse(readFileSync(join(ROOT, "cli", "package.json"), "utf8")) as { version: string };
  expect((await runCli({}, "--version")).stdout).toBe(`${version}\n`);
  expect((await runCli({}, "-v")).stdout).toBe(`${version}\n`);
});
