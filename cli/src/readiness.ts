// Whether a service process is ready, asked the way an orchestrator asks it: `GET /readyz` on its metrics port (200
// once it is connected, has its topology and consumes; 503 with the reason before). Independent of its log level.
import { freePort } from "@switchyard/infra";

/** A service's answer, or why there is none yet. */
export type Readiness = { ready: boolean; detail: string };

/** Where a service's `/readyz` is, given the host it listens on (a wildcard is reached on loopback). */
export function readyzUrl(host: string, port: number): string {
  const reach = host === "0.0.0.0" || host === "::" || host === "" ? "127.0.0.1" : host;
  return `http://${reach.includes(":") ? `[${reach}]` : reach}:${port}/readyz`;
}

/** Asks `url` once, within `timeoutMs`. Not listening yet (still starting) is not ready. */
export async function probeReady(url: string, timeoutMs = 1_000): Promise<Readiness> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await res.text()).trim();
    return { ready: res.status === 200, detail: body || `HTTP ${res.status}` };
  } catch {
    return { ready: false, detail: "not listening yet" };
  }
}

/** `count` distinct free TCP ports on loopback (for each service's metrics endpoint). */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  // The OS may hand back a port it just gave: ask until there are enough distinct ones (bounded).
  for (let tries = 0; ports.size < count && tries < count * 10; tries++) ports.add(await freePort());
  if (ports.size < count) throw new Error(`could not find ${count} free ports`);
  return [...ports];
}
