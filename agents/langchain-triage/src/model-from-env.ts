import { ChatOpenAI } from "@langchain/openai";

/** The environment variables the triage agent's model is configured from. */
export const TRIAGE_MODEL_ENV = {
  /** Required: the chat model, e.g. `gpt-4.1-mini`, or the name an OpenAI-compatible server serves. */
  model: "TRIAGE_MODEL",
  /** Required: the API key (any non-empty value for a local server that checks none). */
  apiKey: "OPENAI_API_KEY",
  /** Optional: an OpenAI-compatible server's base URL (vLLM, llama.cpp, Ollama: `http://host:port/v1`). */
  baseURL: "OPENAI_BASE_URL",
} as const;

/** Retries of a failed model call; each one stays within the subtask's deadline (the signal aborts it). */
const MAX_RETRIES = 2;

const isHttpUrl = (text: string) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);

/**
 * The triage agent's ChatOpenAI from `env`. Throws at start-up, naming the variable, when the model or the key is
 * missing or the base URL is not an http(s) URL: a misconfigured service stops before it takes any work.
 */
export function triageModelFromEnv(env: Record<string, string | undefined> = process.env): ChatOpenAI {
  const required = (name: string, what: string) => {
    const value = env[name]?.trim();
    if (value === undefined || value === "") throw new Error(`${name} is not set: ${what}`);
    return value;
  };
  const model = required(TRIAGE_MODEL_ENV.model, "name the chat model the triage agent runs, e.g. gpt-4.1-mini");
  const apiKey = required(TRIAGE_MODEL_ENV.apiKey, "the key of the OpenAI or OpenAI-compatible API");
  const given = env[TRIAGE_MODEL_ENV.baseURL]?.trim();
  const baseURL = given === "" ? undefined : given;
  if (baseURL !== undefined && !isHttpUrl(baseURL))
    throw new Error(`${TRIAGE_MODEL_ENV.baseURL} is not an http(s) URL: "${baseURL}" (e.g. http://127.0.0.1:8000/v1)`);
  return new ChatOpenAI({ model, apiKey, maxRetries: MAX_RETRIES, configuration: { baseURL } });
}
