// The nats-server download, offline: a local HTTP server serves a release-shaped archive and its SHA256SUMS, as the
// nats-server releases do. The binary is unpacked into the cache once, and a bad checksum caches nothing.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ensureNatsServerBinary } from "./nats-download.ts";

const VERSION = "9.9.9";
const NAME = `nats-server-v${VERSION}-linux-amd64`;
const SCRIPT = "#!/bin/sh\necho 'nats-server: v9.9.9'\n";
let work: string;
let server: Server;
let base: string;
let archive: Buffer;
let sums: string;
const requests: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "nats-download-test-"));
  mkdirSync(join(work, "release", NAME), { recursive: true });
  writeFileSync(join(work, "release", NAME, "nats-server"), SCRIPT, { mode: 0o644 });
  writeFileSync(join(work, "release", NAME, "README.md"), "the release's readme\n");
  const tar = spawnSync("tar", ["-czf", join(work, `${NAME}.tar.gz`), NAME], { cwd: join(work, "release") });
  expect(tar.status).toBe(0);
  archive = readFileSync(join(work, `${NAME}.tar.gz`));
  sums = `${createHash("sha256").update(archive).digest("hex")}  ${NAME}.tar.gz\n${"0".repeat(64)}  other.zip\n`;
  server = createServer((req, res) => {
    requests.push(req.url ?? "");
    if (req.url === `/v${VERSION}/SHA256SUMS`) return res.end(sums);
    if (req.url === `/v${VERSION}/${NAME}.tar.gz`) {
      res.setHeader("content-length", archive.length);
      return res.end(archive);
    }
    res.statusCode = 404;
    res.end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  requests.length = 0;
});

describe("fetching the nats-server release", () => {
  it("downloads, verifies and caches the binary once, showing progress", async () => {
    const cacheDir = join(work, "cache-ok");
    const progress: string[] = [];
    const opts = {
      version: VERSION,
      baseUrl: base,
      cacheDir,
      platform: "linux-x64",
      log: (l: string) => progress.push(l),
    };
    const binary = await ensureNatsServerBinary(opts);
    expect(binary).toBe(join(cacheDir, `nats-server-v${VERSION}`, "nats-server"));
    expect(readFileSync(binary, "utf8")).toBe(SCRIPT);
    expect(statSync(binary).mode & 0o111).not.toBe(0);
    expect(spawnSync(binary, ["--version"], { encoding: "utf8" }).stdout).toContain("v9.9.9");
    expect(progress.some((l) => l.includes("100%"))).toBe(true);
    expect(requests).toEqual([`/v${VERSION}/SHA256SUMS`, `/v${VERSION}/${NAME}.tar.gz`]);
    // Cached: the second call asks the network nothing.
    requests.length = 0;
    expect(await ensureNatsServerBinary(opts)).toBe(binary);
    expect(requests).toEqual([]);
  });

  it("refuses an archive whose checksum does not match, and caches nothing", async () => {
    const cacheDir = join(work, "cache-bad");
    const good = sums;
    sums = `${"f".repeat(64)}  ${NAME}.tar.gz\n`;
    try {
      await expect(
        ensureNatsServerBinary({ version: VERSION, baseUrl: base, cacheDir, platform: "linux-x64" }),
      ).rejects.toThrow(/checksum mismatch/);
    } finally {
      sums = good;
    }
    expect(existsSync(join(cacheDir, `nats-server-v${VERSION}`))).toBe(false);
  });

  it("names the platform it has no release for, and a release that is not there", async () => {
    const cacheDir = join(work, "cache-none");
    await expect(
      ensureNatsServerBinary({ version: VERSION, baseUrl: base, cacheDir, platform: "win32-x64" }),
    ).rejects.toThrow(/no nats-server release to download for win32-x64/);
    await expect(
      ensureNatsServerBinary({ version: "0.0.1", baseUrl: base, cacheDir, platform: "linux-x64" }),
    ).rejects.toThrow(/HTTP 404/);
  });
});
