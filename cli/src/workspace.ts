import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

/** The repository root (this file is `cli/src/workspace.ts`). */
export const WORKSPACE_ROOT = resolve(import.meta.dirname, "..", "..");

/**
 * A deployable service of the workspace: its name (also the identity it runs as on an authorized bus), the entry file
 * that runs it, and environment of its own (its credentials).
 */
export type ServiceEntry = { name: string; entry: string; env?: Record<string, string> };

/** The coordinator, the executor (when present) and every agent package that has a `src/main.ts`, in start order. */
export function workspaceServices(root: string = WORKSPACE_ROOT): ServiceEntry[] {
  const services: ServiceEntry[] = [{ name: "coordinator", entry: join(root, "coordinator", "src", "main.ts") }];
  const executor = join(root, "executor", "src", "main.ts");
  if (existsSync(executor)) services.push({ name: "executor", entry: executor });
  const agentsDir = join(root, "agents");
  for (const dir of readdirSync(agentsDir).sort()) {
    const entry = join(agentsDir, dir, "src", "main.ts");
    if (existsSync(entry)) services.push({ name: `agent-${dir}`, entry });
  }
  return services;
}
