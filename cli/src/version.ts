// The CLI's version: the one in cli/package.json, read once.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

const PackageJson = z.object({ version: z.string() });

/** `version` of cli/package.json (this file is `cli/src/version.ts`). */
export function cliVersion(): string {
  const raw: unknown = JSON.parse(readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8"));
  return PackageJson.parse(raw).version;
}
