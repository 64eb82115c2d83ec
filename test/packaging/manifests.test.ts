// What every workspace package promises in its package.json, checked without building anything: inside the
// repository its exports resolve to existing sources (tests and tsx run them); with the `@switchyard/dist` condition
// (the Docker image) and once packed (publishConfig) they resolve to what its tsconfig.build.json compiles.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ROOT } from "../fixtures/processes.ts";

type Manifest = {
  name: string;
  private?: boolean;
  license?: string;
  exports?: Record<string, unknown>;
  files?: string[];
  scripts?: Record<string, string>;
  publishConfig?: { exports?: Record<string, unknown>; main?: string; types?: string };
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
};

/** The packages a user outside the repository installs. */
const PUBLISHED = ["@switchyard/contracts", "@switchyard/infra", "@switchyard/models", "@switchyard/agent-kit"];
/** Run-time dependencies only tests need (testcontainers brings dockerode and ssh2). */
const TEST_ONLY = ["@testcontainers/nats", "testcontainers"];

const readJson = <T>(path: string) => JSON.parse(readFileSync(path, "utf8")) as T;
const workspace = parse(readFileSync(join(ROOT, "pnpm-workspace.yaml"), "utf8")) as { packages: string[] };
const packageDirs = workspace.packages.flatMap((pattern) =>
  pattern.endsWith("/*")
    ? readdirSync(join(ROOT, pattern.slice(0, -2)), { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(ROOT, pattern.slice(0, -2), d.name, "package.json")))
        .map((d) => `${pattern.slice(0, -2)}/${d.name}`)
    : [pattern],
);
const packages = packageDirs.map((dir) => ({ dir, manifest: readJson<Manifest>(join(ROOT, dir, "package.json")) }));
const libraries = packages.filter((p) => p.manifest.exports !== undefined);

/** The compiler options and files of `<dir>/tsconfig.build.json`, as `tsc -p` reads them. */
function buildConfig(dir: string): ts.ParsedCommandLine {
  const file = join(ROOT, dir, "tsconfig.build.json");
  const { config, error } = ts.readConfigFile(file, (p) => ts.sys.readFile(p));
  if (error !== undefined) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, "\n"));
  return ts.parseJsonConfigFileContent(config, ts.sys, join(ROOT, dir), undefined, file);
}

describe("workspace package manifests", () => {
  it("finds the workspace's packages", () => {
    expect(packages.map((p) => p.manifest.name)).toEqual(expect.arrayContaining([...PUBLISHED]));
  });

  it.each(libraries.map((p) => [p.dir, p.manifest] as const))(
    "%s: each export is a source in the repository, compiled output with the condition and once packed",
    (dir, manifest) => {
      for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
        const source = (target as { default?: unknown }).default;
        expect(source, `${dir} ${subpath}`).toMatch(/^\.\/src\/.+\.ts$/);
        expect(existsSync(join(ROOT, dir, String(source))), `${dir} ${subpath}: ${String(source)}`).toBe(true);
        const stem = String(source)
          .replace(/^\.\/src\//, "")
          .replace(/\.ts$/, "");
        const compiled = { types: `./dist/${stem}.d.ts`, default: `./dist/${stem}.js` };
        expect(target, `${dir} ${subpath}`).toEqual({ "@switchyard/dist": compiled, default: source });
        expect(manifest.publishConfig?.exports?.[subpath], `${dir} ${subpath} packed`).toEqual(compiled);
      }
      // The contracts also ship their JSON Schemas and AsyncAPI document, for backends in other languages.
      expect(manifest.files).toEqual(dir === "contracts" ? ["dist", "schema", "asyncapi.yaml"] : ["dist"]);
      expect(manifest.scripts?.["build"]).toMatch(/tsc -p tsconfig\.build\.json$/);
    },
  );

  it.each(libraries.map((p) => [p.dir, p.manifest] as const))(
    "%s: tsconfig.build.json compiles src/ to dist/ with declarations, without tests",
    (dir, manifest) => {
      const { options, fileNames, errors } = buildConfig(dir);
      expect(errors.map((e) => ts.flattenDiagnosticMessageText(e.messageText, "\n"))).toEqual([]);
      expect(options.rootDir).toBe(join(ROOT, dir, "src"));
      expect(options.outDir).toBe(join(ROOT, dir, "dist"));
      expect(options.declaration).toBe(true);
      expect(options.noEmit).toBeFalsy();
      expect(options.rewriteRelativeImportExtensions).toBe(true);
      const files = fileNames.map((f) => relative(join(ROOT, dir), f));
      // What the exports name, and a service's entry (the Docker image runs `node <dir>/dist/main.js`).
      const sources = Object.values(manifest.exports ?? {}).map((t) => String((t as { default?: unknown }).default));
      if (existsSync(join(ROOT, dir, "src/main.ts"))) sources.push("./src/main.ts");
      expect(files).toEqual(expect.arrayContaining(sources.map((f) => f.replace(/^\.\//, ""))));
      expect(files.filter((f) => /\.test\.ts$|\.test-d\.ts$|\.test-helpers\.ts$/.test(f))).toEqual([]);
    },
  );

  it("publishes only packages whose workspace dependencies are published too", () => {
    const byName = new Map(packages.map((p) => [p.manifest.name, p.manifest]));
    for (const name of PUBLISHED) {
      const manifest = byName.get(name);
      expect(manifest?.private, name).toBeUndefined();
      expect(manifest?.publishConfig?.main, name).toBe("./dist/index.js");
      expect(manifest?.publishConfig?.types, name).toBe("./dist/index.d.ts");
      for (const dep of Object.keys(manifest?.dependencies ?? {}).filter((d) => d.startsWith("@switchyard/"))) {
        expect(PUBLISHED, `${name} depends on ${dep}`).toContain(dep);
      }
    }
  });

  it("installs no test-only package at run time; infra's container fallback is an optional peer", () => {
    for (const { dir, manifest } of packages) {
      for (const dep of TEST_ONLY) expect(manifest.dependencies?.[dep], `${dir} ${dep}`).toBeUndefined();
    }
    const infra = readJson<Manifest>(join(ROOT, "infra", "package.json"));
    expect(infra.peerDependencies?.["@testcontainers/nats"]).toBeDefined();
    expect(infra.peerDependenciesMeta?.["@testcontainers/nats"]?.optional).toBe(true);
    // The workspace's own tests still start a container when Docker runs and no binary is found.
    expect(infra.devDependencies?.["@testcontainers/nats"]).toBeDefined();
  });

  it("carries the Apache-2.0 license the root declares, with its text at the root", () => {
    const root = readJson<Manifest & { scripts: Record<string, string> }>(join(ROOT, "package.json"));
    expect(root.license).toBe("Apache-2.0");
    expect(readFileSync(join(ROOT, "LICENSE"), "utf8")).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    for (const { dir, manifest } of packages) expect(manifest.license, dir).toBe("Apache-2.0");
  });

  it("builds from the root with `pnpm build`, which `pnpm test` does not need", () => {
    const root = readJson<Manifest & { scripts: Record<string, string> }>(join(ROOT, "package.json"));
    expect(root.scripts["build"]).toBe("pnpm -r build");
    expect(root.scripts["test"]).not.toMatch(/\bbuild\b/);
  });
});
