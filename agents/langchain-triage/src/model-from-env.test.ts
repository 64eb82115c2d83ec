import { describe, expect, it } from "vitest";
import { triageModelFromEnv } from "./model-from-env.ts";

describe("triageModelFromEnv", () => {
  const env = { TRIAGE_MODEL: "qwen2.5:7b", OPENAI_API_KEY: "local", OPENAI_BASE_URL: "http://127.0.0.1:11434/v1" };

  it("configures ChatOpenAI for the server, the model and the key the environment names", () => {
    const model = triageModelFromEnv(env);
    expect(model.model).toBe("qwen2.5:7b");
    expect(model.clientConfig.baseURL).toBe("http://127.0.0.1:11434/v1");
    expect(model.apiKey).toBe("local");
  });

  it("fails at start-up naming the variable that is missing or wrong", () => {
    expect(() => triageModelFromEnv({ ...env, TRIAGE_MODEL: undefined })).toThrow(/^TRIAGE_MODEL is not set/);
    expect(() => triageModelFromEnv({ ...env, OPENAI_API_KEY: " " })).toThrow(/^OPENAI_API_KEY is not set/);
    expect(() => triageModelFromEnv({ ...env, OPENAI_BASE_URL: "localhost:11434" })).toThrow(
      /^OPENAI_BASE_URL is not an http\(s\) URL: "localhost:11434"/,
    );
  });

  it("talks to OpenAI itself when no base URL is set", () => {
    expect(triageModelFromEnv({ ...env, OPENAI_BASE_URL: "" }).clientConfig.baseURL).toBeUndefined();
  });
});
