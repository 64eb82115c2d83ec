import type { Buckets, Bus, Logger } from "@switchyard/infra";
import type { A2aConfig } from "./config.ts";

/** What the gateway's methods work with: the bus (as `a2a-<tenant>`), the goals bucket, its settings and logger. */
export type GatewayContext = {
  bus: Bus;
  goals: Buckets["goals"];
  config: A2aConfig;
  logger: Logger;
};
