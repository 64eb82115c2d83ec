import { afterEach, describe, expect, it } from "vitest";
import { capturingContent, configureContentCapture, contentAttribute, setContentRedactor } from "./content-capture.ts";
import { configureSemconv, providerAttributes } from "./semconv.ts";

afterEach(() => {
  configureContentCapture({});
  setContentRedactor((text) => text);
  configureSemconv({});
});

describe("prompt and reply capture on traces", () => {
  it("is off unless OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT turns it on", () => {
    configureContentCapture({});
    expect(capturingContent()).toBe(false);
    configureContentCapture({ OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "false" });
    expect(capturingContent()).toBe(false);
    configureContentCapture({ OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "true" });
    expect(capturingContent()).toBe(true);
    configureContentCapture({ OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "span_only" });
    expect(capturingContent()).toBe(true);
  });

  it("passes every text through the redaction hook", () => {
    setContentRedactor((text) => text.replace(/\d{4}-\d{4}/g, "####"));
    const json = contentAttribute([{ role: "user", parts: [{ type: "text", content: "card 1234-5678 please" }] }]);
    expect(JSON.parse(json)).toEqual([{ role: "user", parts: [{ type: "text", content: "card #### please" }] }]);
  });

  it("cuts long texts to the cap and stays valid JSON, saying how much was cut", () => {
    configureContentCapture({ SY_TRACE_CONTENT_MAX_CHARS: "1000" });
    const long = "x".repeat(5_000);
    const json = contentAttribute([{ role: "user", parts: [{ type: "text", content: long }] }]);
    expect(json.length).toBeLessThanOrEqual(1_000);
    const parsed = JSON.parse(json) as Array<{ parts: Array<{ content: string }> }>;
    expect(parsed[0]?.parts[0]?.content).toMatch(/^x+…\[\d+ characters cut\]$/);
  });

  it("refuses a cap that is not a positive whole number, by name", () => {
    expect(() => configureContentCapture({ SY_TRACE_CONTENT_MAX_CHARS: "lots" })).toThrow(/SY_TRACE_CONTENT_MAX_CHARS/);
  });
});

describe("OTEL_SEMCONV_STABILITY_OPT_IN", () => {
  it("sends the provider under its old name too, unless only the latest conventions are asked for", () => {
    configureSemconv({});
    expect(providerAttributes("anthropic")).toEqual({
      "gen_ai.provider.name": "anthropic",
      "gen_ai.system": "anthropic",
    });
    configureSemconv({ OTEL_SEMCONV_STABILITY_OPT_IN: "http, gen_ai_latest_experimental" });
    expect(providerAttributes("anthropic")).toEqual({ "gen_ai.provider.name": "anthropic" });
  });
});
