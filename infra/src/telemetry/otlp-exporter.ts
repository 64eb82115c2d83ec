import { OTLPTraceExporter as OtlpJsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as OtlpProtobufExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";

/** The OTLP protocols a Switchyard service exports traces with. */
export const OTLP_PROTOCOLS = ["http/json", "http/protobuf"] as const;

/**
 * The trace exporter `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` (or `OTEL_EXPORTER_OTLP_PROTOCOL`) asks for: `http/protobuf`
 * or `http/json` (the default here, which Jaeger, Tempo, Langfuse and every collector accept). Anything else (`grpc`)
 * is refused by name: a service that silently exported nothing would be worse.
 */
export function otlpTraceExporter(env: NodeJS.ProcessEnv): SpanExporter {
  const protocol = env["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] || env["OTEL_EXPORTER_OTLP_PROTOCOL"] || "http/json";
  if (protocol === "http/protobuf") return new OtlpProtobufExporter();
  if (protocol === "http/json") return new OtlpJsonExporter();
  throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported; use one of ${OTLP_PROTOCOLS.join(", ")}`);
}
