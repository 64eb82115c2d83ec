import { ModelsError } from "./errors.ts";
import { createAnthropicProvider } from "./anthropic-provider.ts";
import { createOpenAIProvider } from "./openai-provider.ts";
import { modelPrice, type ModelPrice } from "./prices.ts";
import { createScriptedProvider, findScript } from "./scripted-provider.ts";
import type { ModelProvider } from "./types.ts";

/** A model string resolved to a provider, the provider's model id and its price. */
export type ResolvedModel = {
  modelString: string;
  provider: ModelProvider;
  model: string;
  price: ModelPrice | undefined;
};

const envName = (name: string) => name.toUpperCase().replace(/[^A-Z0-9]/g, "_");

/**
 * Resolves `anthropic:<model>`, `openai:<model>`, `openai-compatible:<name>/<model>` (base URL from
 * `SY_<NAME>_BASE_URL`, key from `SY_<NAME>_API_KEY`) or `scripted:<script>`. Keys and base URLs come from the
 * environment; a missing key fails here, at start-up, naming the variable (a {@link ModelsError} with code
 * `SY_ERR_MODEL_CONFIG`).
 */
export function resolveModel(modelString: string, env: NodeJS.ProcessEnv = process.env): ResolvedModel {
  const colon = modelString.indexOf(":");
  const kind = colon < 0 ? "" : modelString.slice(0, colon);
  const rest = colon < 0 ? "" : modelString.slice(colon + 1);
  const fail = (why: string) => new ModelsError("SY_ERR_MODEL_CONFIG", "caller", `model "${modelString}": ${why}`);
  if (rest === "") throw fail("expected <provider>:<model>, e.g. anthropic:claude-sonnet-4-5 or scripted:<script>");
  switch (kind) {
    case "anthropic": {
      const apiKey = env["ANTHROPIC_API_KEY"];
      if (!apiKey) throw fail("ANTHROPIC_API_KEY is not set");
      const provider = createAnthropicProvider({ apiKey, baseURL: env["ANTHROPIC_BASE_URL"] || undefined });
      return { modelString, provider, model: rest, price: modelPrice(modelString) };
    }
    case "openai": {
      const apiKey = env["OPENAI_API_KEY"];
      if (!apiKey) throw fail("OPENAI_API_KEY is not set");
      const provider = createOpenAIProvider({ apiKey, baseURL: env["OPENAI_BASE_URL"] || undefined });
      return { modelString, provider, model: rest, price: modelPrice(modelString) };
    }
    case "openai-compatible": {
      const slash = rest.indexOf("/");
      const name = slash < 0 ? rest : rest.slice(0, slash);
      const model = slash < 0 ? rest : rest.slice(slash + 1);
      const baseURL = env[`SY_${envName(name)}_BASE_URL`];
      if (!baseURL) throw fail(`SY_${envName(name)}_BASE_URL is not set (the server's OpenAI-compatible /v1 URL)`);
      const provider = createOpenAIProvider({
        name: `openai-compatible:${name}`,
        apiKey: env[`SY_${envName(name)}_API_KEY`] || "not-needed",
        baseURL,
      });
      return { modelString, provider, model, price: modelPrice(modelString) ?? { inputPerMTok: 0, outputPerMTok: 0 } };
    }
    case "scripted": {
      const script = findScript(rest);
      if (script === undefined) throw fail(`no script named "${rest}" is registered (registerScript)`);
      return { modelString, provider: createScriptedProvider(rest, script), model: rest, price: script.price };
    }
    default:
      throw fail(`unknown provider "${kind}" (anthropic, openai, openai-compatible, scripted)`);
  }
}

/** Options of {@link modelFromEnv}: which model to use when which key is present. */
export type ModelChoice = { anthropic?: string; openai?: string; offline: string };

/**
 * Picks a real model when its key is set and the scripted one otherwise, so example agents run offline by default:
 * `modelFromEnv({ anthropic: "claude-sonnet-4-5", offline: "support-classifier" })`. `SY_MODEL` overrides all.
 */
export function modelFromEnv(choice: ModelChoice, env: NodeJS.ProcessEnv = process.env): string {
  if (env["SY_MODEL"]) return env["SY_MODEL"];
  if (choice.anthropic && env["ANTHROPIC_API_KEY"]) return `anthropic:${choice.anthropic}`;
  if (choice.openai && env["OPENAI_API_KEY"]) return `openai:${choice.openai}`;
  return `scripted:${choice.offline}`;
}
