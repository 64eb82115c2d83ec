// Writes contracts/schema/<Name>.json for every wire schema; with --check, fails when a file is missing or stale.
import { readFileSync, readdirSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { WIRE_SCHEMAS } from "../src/index.ts";

const dir = join(import.meta.dirname, "..", "schema");
const check = process.argv.includes("--check");

const wanted = new Map<string, string>();
for (const [name, schema] of Object.entries(WIRE_SCHEMAS)) {
  // "input" describes what a publisher may send: fields with defaults are optional there.
  const doc = { $id: `urn:switchyard:schema:${name}`, title: name, ...z.toJSONSchema(schema, { io: "input" }) };
  wanted.set(`${name}.json`, JSON.stringify(doc, null, 2) + "\n");
}

const present = readdirSync(dir).filter((f) => f.endsWith(".json"));
const problems: string[] = [];
for (const [file, text] of wanted) {
  let current: string | undefined;
  try {
    current = readFileSync(join(dir, file), "utf8");
  } catch {
    current = undefined;
  }
  if (current === text) continue;
  if (check) problems.push(current === undefined ? `missing ${file}` : `stale ${file}`);
  else writeFileSync(join(dir, file), text);
}
for (const file of present.filter((f) => !wanted.has(f))) {
  if (check) problems.push(`unexpected ${file}`);
  else unlinkSync(join(dir, file));
}

if (problems.length > 0) {
  process.stderr.write(
    `contracts/schema is out of date (${problems.join(", ")}).\nRun \`pnpm schema:write\` and commit the result.\n`,
  );
  process.exit(1);
}
process.stdout.write(
  check ? `contracts/schema is up to date (${wanted.size} files)\n` : `wrote ${wanted.size} schema files\n`,
);
