// When neither a nats-server binary nor Docker is at hand, `demo` and `up` fetch the official release once: the
// version is pinned, the archive is checked against the release's SHA256SUMS, and the binary is cached in the user's
// cache directory, so the README's two commands need nothing but Node.
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** The nats-server release `demo` and `up` download (2.12 or later: clustered work queues survive node loss). */
export const NATS_SERVER_VERSION = "2.12.1";
/** Where releases are downloaded from; `SY_NATS_DOWNLOAD_URL` points elsewhere (a mirror, or a test's server). */
export const NATS_RELEASES_URL = "https://github.com/nats-io/nats-server/releases/download";

const PLATFORMS: Record<string, string> = {
  "linux-x64": "linux-amd64",
  "linux-arm64": "linux-arm64",
  "darwin-x64": "darwin-amd64",
  "darwin-arm64": "darwin-arm64",
};

/** The cache directory of this user: `$XDG_CACHE_HOME`, `~/Library/Caches` on macOS, else `~/.cache`. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env["XDG_CACHE_HOME"]) return join(env["XDG_CACHE_HOME"], "switchyard");
  if (process.platform === "darwin") return join(homedir(), "Library", "Caches", "switchyard");
  return join(homedir(), ".cache", "switchyard");
}

/** Options of {@link ensureNatsServerBinary}. */
export type DownloadOptions = {
  version?: string;
  baseUrl?: string;
  cacheDir?: string;
  /** `${process.platform}-${process.arch}`. */
  platform?: string;
  /** Progress lines ("downloading … 40%"). */
  log?: (line: string) => void;
};

/**
 * The path of a cached nats-server binary of the pinned release, downloading and verifying it first if it is not
 * cached yet. Throws, naming what went wrong (no release for this platform, a failed download, a checksum that does
 * not match), and leaves nothing half-written in the cache.
 */
export async function ensureNatsServerBinary(opts: DownloadOptions = {}): Promise<string> {
  const version = opts.version ?? NATS_SERVER_VERSION;
  const base = (opts.baseUrl ?? (process.env["SY_NATS_DOWNLOAD_URL"] || NATS_RELEASES_URL)).replace(/\/$/, "");
  const platform = opts.platform ?? `${process.platform}-${process.arch}`;
  const log = opts.log ?? (() => {});
  const target = PLATFORMS[platform];
  if (target === undefined) {
    throw new Error(
      `no nats-server release to download for ${platform} (known: ${Object.keys(PLATFORMS).join(", ")}); install one`,
    );
  }
  const dir = join(opts.cacheDir ?? userCacheDir(), `nats-server-v${version}`);
  const binary = join(dir, "nats-server");
  if (existsSync(binary)) return binary;

  const name = `nats-server-v${version}-${target}`;
  const archive = `${name}.tar.gz`;
  const sums = await fetchOk(`${base}/v${version}/SHA256SUMS`);
  const expected = new TextDecoder()
    .decode(sums)
    .split("\n")
    .map((line) => line.trim().split(/\s+\*?/))
    .find(([, file]) => file === archive)?.[0];
  if (expected === undefined) throw new Error(`SHA256SUMS of nats-server v${version} does not list ${archive}`);
  const data = await fetchOk(`${base}/v${version}/${archive}`, (done, total) =>
    log(`downloading nats-server v${version} (${target}): ${total ? Math.round((done / total) * 100) : "?"}%`),
  );
  const actual = createHash("sha256").update(data).digest("hex");
  if (actual !== expected.toLowerCase()) {
    throw new Error(`${archive}: checksum mismatch (expected ${expected}, got ${actual}); nothing was cached`);
  }
  // Unpacked beside the cache and moved into place in one step: a crash leaves no half-written binary behind.
  const root = opts.cacheDir ?? userCacheDir();
  mkdirSync(root, { recursive: true });
  const work = mkdtempSync(join(root, ".nats-download-"));
  try {
    writeFileSync(join(work, archive), data);
    const untar = spawnSync("tar", ["-xzf", archive, `${name}/nats-server`], { cwd: work, encoding: "utf8" });
    if (untar.status !== 0) throw new Error(`cannot unpack ${archive}: ${untar.stderr || untar.error?.message}`);
    chmodSync(join(work, name, "nats-server"), 0o755);
    renameSync(join(work, name), dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  log(`nats-server v${version} cached in ${dir}`);
  return binary;
}

/** GETs a URL into memory (a release archive is ~7 MB), reporting progress about every tenth; throws on non-2xx. */
async function fetchOk(url: string, progress?: (done: number, total: number) => void): Promise<Uint8Array> {
  const res = await fetch(url, { redirect: "follow" }).catch((err: unknown) => {
    throw new Error(`cannot download ${url}: ${err instanceof Error ? err.message : String(err)}`);
  });
  if (!res.ok || res.body === null) throw new Error(`cannot download ${url}: HTTP ${res.status}`);
  const total = Number(res.headers.get("content-length") ?? 0);
  const chunks: Uint8Array[] = [];
  let done = 0;
  let reported = -1;
  const reader = res.body.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    const chunk: Uint8Array = next.value as Uint8Array;
    chunks.push(chunk);
    done += chunk.length;
    const tenth = total > 0 ? Math.floor((done / total) * 10) : -1;
    if (progress !== undefined && tenth !== reported) {
      reported = tenth;
      progress(done, total);
    }
  }
  return Buffer.concat(chunks);
}
