import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

/** The repository root (this file is `cli/src/workspace.ts`). */
export const WORKSPACE_ROOT = resolve(import.meta.dirname, "..", "..");

/** A deployable service of the workspace: its name and the entry file that runs it. */
export type ServiceEntry = { name: string; entry: string };

/** The coordinator and every agent package that has a `src/main.ts`, in start order. */
export function workspaceServices(root: string = WORKSPACE_ROOT): ServiceEntry[] {
  const services: ServiceEntry[] = [{ name: "coordinator", entry: join(root, "coordinator", "src", "main.ts") }];
  const agentsDir = join(root, "agents");
  for (const dir of readdirSync(agentsDir).sort()) {
    const entry = join(agentsDir, dir, "src", "main.ts");
    if (existsSync(entry)) services.push({ name: `agent-${dir}`, entry });
  }
  return services;
}
