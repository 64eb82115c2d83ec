import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import type { Buckets, Bus, Logger } from "@switchyard/infra";
import type { Hono } from "hono";
import { createAgentCardSource } from "./agent-card.ts";
import type { A2aConfig } from "./config.ts";
import { createA2aApp } from "./http-app.ts";

/** Options of {@link startA2aGateway}. */
export type A2aGatewayOptions = {
  /** The bus, connected as the tenant's gateway identity `a2a-<tenant>` (or an open bus). */
  bus: Bus;
  /** The goals bucket: goal records and the published templates. */
  goals: Buckets["goals"];
  config: A2aConfig;
  logger: Logger;
};

/** A running gateway: where clients reach it, its app, and how to stop it. */
export type RunningA2aGateway = {
  /** The base URL its agent card names (`SY_A2A_PUBLIC_URL`, else the address it listens on). */
  url: string;
  port: number;
  app: Hono;
  /** Closes the server and its open streams. */
  stop(): Promise<void>;
};

/** Serves Switchyard as an A2A agent over HTTP on `config.host`:`config.port` (0: any free port). */
export async function startA2aGateway(opts: A2aGatewayOptions): Promise<RunningA2aGateway> {
  const { config } = opts;
  let url = config.publicUrl ?? "";
  const cards = createAgentCardSource({
    bus: opts.bus,
    goals: opts.goals,
    logger: opts.logger,
    baseUrl: () => url,
    tenant: config.tenant,
    bearer: config.token !== undefined,
    defaultPlan: config.defaultPlan,
  });
  const app = createA2aApp({ bus: opts.bus, goals: opts.goals, config, logger: opts.logger }, cards);
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: (req) => app.fetch(req), hostname: config.host, port: config.port }, () => resolve(s));
    s.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  if (url === "") {
    const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
    url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  }
  return {
    url,
    port,
    app,
    async stop() {
      // Streams end only when their goals do: close their sockets too.
      if ("closeAllConnections" in server) server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
