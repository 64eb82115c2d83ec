// What a user outside this repository does with the packages: the tarballs `pnpm pack` writes, installed with npm
// into a project of their own, compiled with plain `tsc` and run with plain `node`.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "../fixtures/processes.ts";

const execFileAsync = promisify(execFile);
/** npm and pnpm can be slow on a busy machine; a command that hangs still ends. */
const COMMAND_TIMEOUT_MS = 5 * 60_000;

/**
 * This process's environment without what pnpm, vitest or a loader put there (the lower-case `npm_*` settings of a
 * script run, `NODE_OPTIONS`), so npm and node behave as in a user's shell. A user's own upper-case `NPM_CONFIG_*`
 * (a registry, a CA, the global config file) stays.
 */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(npm_|pnpm_)/.test(key) || key === "NODE_OPTIONS") continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs a command to completion; the error names the command and carries its output. */
export async function run(file: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync(file, args, {
      cwd,
      env: cleanEnv(),
      timeout: COMMAND_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(" ")} failed in ${cwd}:\n${stdout ?? ""}\n${stderr ?? ""}`, { cause: err });
  }
}

/**
 * Builds the workspace packages `dirs` (with the packages they depend on, in dependency order) through their `build`
 * scripts, then packs each into `destination`. Returns the tarball paths, by package directory.
 */
export async function buildAndPack(dirs: readonly string[], destination: string): Promise<Record<string, string>> {
  const filters = dirs.flatMap((dir) => ["--filter", `./${dir}...`]);
  await run("pnpm", [...filters, "run", "build"], ROOT);
  const tarballs: Record<string, string> = {};
  for (const dir of dirs) {
    const before = new Set(readdirSync(destination));
    await run("pnpm", ["pack", "--pack-destination", destination], join(ROOT, dir));
    const written = readdirSync(destination).filter((f) => f.endsWith(".tgz") && !before.has(f));
    if (written.length !== 1) throw new Error(`pnpm pack in ${dir} wrote ${written.length} tarballs`);
    tarballs[dir] = join(destination, written[0] ?? "");
  }
  return tarballs;
}

/** Writes `files` (paths relative to `dir`) and a package.json of an ES module project. */
export function writeProject(dir: string, files: Record<string, string>): void {
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "my-specialist", version: "1.0.0", private: true, type: "module" }, null, 2),
  );
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** The version of a package the workspace's tests use, so the project outside installs the same one. */
export function workspaceVersion(name: string): string {
  const dir = [join(ROOT, "test", "node_modules", name), join(ROOT, "node_modules", name)].find((d) =>
    existsSync(join(d, "package.json")),
  );
  if (dir === undefined) throw new Error(`${name} is not installed in the workspace`);
  return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
}

/** Every file under `dir`, as paths relative to it. */
export function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    return entry.isDirectory() ? listFiles(dir, path) : [path];
  });
}
