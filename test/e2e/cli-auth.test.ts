// `switchyard auth init` makes the identities a deployment asks for: the fixed roles always, a tenant's A2A gateway
// and agent-protocol bridge only on request (they act for the tenant's users), and adds to an existing directory
// without touching the keys already there.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { runCli } from "../fixtures/processes.ts";

type Manifest = { identities: Array<{ name: string; publicKey: string }> };
const list = async (dir: string) =>
  JSON.parse((await runCli({}, "auth", "list", "--dir", dir, "--json")).stdout) as Manifest;
const names = (m: Manifest) => m.identities.map((i) => i.name);

it("makes a tenant's gateway identities only when asked, and keeps existing keys when adding them", async () => {
  const dir = join(mkdtempSync(join(tmpdir(), "sy-auth-")), "auth");
  await runCli({}, "auth", "init", "--out", dir, "--tenant", "acme", "--agent", "keywords", "--approver", "rita");
  const before = await list(dir);
  expect(names(before)).toEqual(
    expect.arrayContaining(["coordinator", "executor", "backend-acme", "agent-keywords", "approver-rita"]),
  );
  expect(names(before).filter((n) => n.startsWith("a2a-") || n.startsWith("bridge-"))).toEqual([]);

  const { stdout } = await runCli(
    {},
    "auth",
    "init",
    "--out",
    dir,
    "--tenant",
    "acme",
    "--agent",
    "keywords",
    "--approver",
    "rita",
    "--a2a",
    "acme",
    "--bridge",
    "acme",
  );
  expect(stdout).toContain("created a2a-acme, bridge-acme");
  const after = await list(dir);
  expect(names(after)).toEqual(expect.arrayContaining(["a2a-acme", "bridge-acme"]));
  const keyOf = (m: Manifest, name: string) => m.identities.find((i) => i.name === name)?.publicKey;
  expect(keyOf(after, "backend-acme")).toBe(keyOf(before, "backend-acme"));

  await expect(runCli({}, "auth", "init", "--out", dir, "--a2a", "not a tenant!")).rejects.toMatchObject({
    code: 2,
    stderr: expect.stringContaining("not a tenant!"),
  });
});
