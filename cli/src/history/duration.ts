// Window lengths as people type them: `30m`, `24h`, `7d`.

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30m`, `24h`, `7d` (also `s` and `w`, decimals allowed) in milliseconds; undefined for anything else or 0. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text.trim());
  if (match === null) return undefined;
  const ms = Number(match[1]) * (UNIT_MS[match[2] ?? ""] ?? NaN);
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : undefined;
}
