// OTLP export in the protocol OTEL_EXPORTER_OTLP_PROTOCOL names, received by a real HTTP server: protobuf bodies
// carry the span and service names as raw strings, JSON bodies parse.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { otlpTraceExporter } from "./otlp-exporter.ts";
import { initTelemetry } from "./tracing.ts";

type Received = { path: string; contentType: string; body: Buffer };
const received: Received[] = [];
let server: Server;
let url: string;
const saved = { ...process.env };

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        path: req.url ?? "",
        contentType: req.headers["content-type"] ?? "",
        body: Buffer.concat(chunks),
      });
      res.statusCode = 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

afterEach(() => {
  received.length = 0;
  process.env = { ...saved };
});

async function exportOneSpan(protocol: string | undefined, service: string) {
  process.env["OTEL_EXPORTER_OTLP_ENDPOINT"] = url;
  if (protocol === undefined) delete process.env["OTEL_EXPORTER_OTLP_PROTOCOL"];
  else process.env["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol;
  const telemetry = initTelemetry({ service });
  telemetry.tracer.startSpan("probe-span").end();
  await telemetry.shutdown();
}

describe("OTLP trace export", () => {
  it("sends protobuf when OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", async () => {
    await exportOneSpan("http/protobuf", "svc-protobuf");
    expect(received).toHaveLength(1);
    const [r] = received;
    expect(r?.path).toBe("/v1/traces");
    expect(r?.contentType).toBe("application/x-protobuf");
    expect(r?.body.includes("probe-span")).toBe(true);
    expect(r?.body.includes("svc-protobuf")).toBe(true);
    expect(() => {
      JSON.parse(r?.body.toString() ?? "");
    }).toThrow();
  });

  it("sends JSON by default and with http/json", async () => {
    for (const protocol of [undefined, "http/json"]) {
      await exportOneSpan(protocol, "svc-json");
      const r = received.pop();
      expect(r?.contentType).toBe("application/json");
      expect(JSON.stringify(JSON.parse(r?.body.toString() ?? "{}"))).toContain("probe-span");
    }
  });

  it("refuses a protocol it does not speak, naming it", () => {
    expect(() => otlpTraceExporter({ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported; use one of http\/json, http\/protobuf/,
    );
  });
});
