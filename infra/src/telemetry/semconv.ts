import { ATTR } from "./attributes.ts";

/**
 * `OTEL_SEMCONV_STABILITY_OPT_IN`, as the GenAI conventions define it: with `gen_ai_latest_experimental` in the list,
 * only the latest names are emitted. Without it, the names that changed are emitted under both the latest and the
 * old name (`gen_ai.system` next to `gen_ai.provider.name`), so a backend that still reads the old one sees them.
 */
export type SemconvMode = "latest" | "latest_and_old";

let mode: SemconvMode = "latest_and_old";

/** Reads the switch (called by `initTelemetry`). */
export function configureSemconv(env: NodeJS.ProcessEnv): SemconvMode {
  const optIn = (env["OTEL_SEMCONV_STABILITY_OPT_IN"] ?? "").split(",").map((v) => v.trim());
  mode = optIn.includes("gen_ai_latest_experimental") ? "latest" : "latest_and_old";
  return mode;
}

/** `gen_ai.provider.name` (and its old name unless only the latest are wanted). */
export function providerAttributes(provider: string): Record<string, string> {
  return mode === "latest"
    ? { [ATTR.genAiProvider]: provider }
    : { [ATTR.genAiProvider]: provider, [ATTR.genAiSystemDeprecated]: provider };
}
