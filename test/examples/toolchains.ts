// The toolchains the language examples need, found on this machine or not. CI installs them (.ci/run), so there a
// missing one fails the test file naming what to install; elsewhere the examples' tests skip, saying why.
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** A usable toolchain: the command to run and the environment it needs. */
export type Toolchain = { command: string; env: Record<string, string> };
export type Found = { toolchain: Toolchain } | { missing: string };

/** Where Debian's golang-*-dev packages put Go sources, for GOPATH mode. */
const DEBIAN_GOCODE = "/usr/share/gocode";

function executablesOnPath(name: string): string[] {
  return (process.env["PATH"] ?? "")
    .split(delimiter)
    .filter((dir) => dir !== "")
    .map((dir) => join(dir, name))
    .filter((file) => {
      try {
        accessSync(file, constants.X_OK);
        return true;
      } catch {
        return false; // not there, or not executable
      }
    });
}

const succeeds = (command: string, args: string[], env?: Record<string, string>) =>
  spawnSync(command, args, { env: { ...process.env, ...env }, stdio: "ignore", timeout: 60_000 }).status === 0;

/** The first `python3` on PATH that has PyNaCl (a version manager's may not; the system one does with python3-nacl). */
export function findPython(): Found {
  const python = executablesOnPath("python3").find((p) => succeeds(p, ["-c", "import nacl.signing"]));
  if (python === undefined) {
    return { missing: "no python3 with PyNaCl on PATH (Debian: apt-get install python3 python3-nacl)" };
  }
  return { toolchain: { command: python, env: { PYTHONDONTWRITEBYTECODE: "1" } } };
}

/**
 * `go` in GOPATH mode, with nats.go and nkeys from Debian's packages, offline. `workDir` is the writable GOPATH entry
 * (and the build cache when there is no HOME).
 */
export function findGo(workDir: string): Found {
  const env: Record<string, string> = {
    GO111MODULE: "off",
    GOPATH: [workDir, DEBIAN_GOCODE].join(delimiter),
    GOPROXY: "off",
    GOFLAGS: "",
    ...(process.env["HOME"] === undefined ? { GOCACHE: join(workDir, "cache") } : {}),
  };
  if (!succeeds("go", ["list", "github.com/nats-io/nats.go", "github.com/nats-io/nkeys"], env)) {
    return {
      missing:
        "no go with nats.go and nkeys in GOPATH mode (Debian: apt-get install golang-go " +
        "golang-github-nats-io-go-nats-dev golang-github-nats-io-nkeys-dev)",
    };
  }
  return { toolchain: { command: "go", env } };
}

/**
 * The toolchain, or (outside CI) why the tests using it skip. In CI (`CI=true`) a missing toolchain throws: the
 * examples must run there.
 */
export function toolchainOrSkip(found: Found): { toolchain?: Toolchain; skip?: string } {
  if ("toolchain" in found) return { toolchain: found.toolchain };
  if (process.env["CI"] === "true") throw new Error(`${found.missing}: CI must run the language examples`);
  return { skip: `${found.missing}; the example is not run` };
}
