import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import type { Bus, Identity, Logger } from "@switchyard/infra";
import { consoleActions } from "./console-actions.ts";
import { createConsoleApp } from "./console-app.ts";

/** Options of {@link startConsole}. */
export type StartConsoleOptions = {
  /** The bus, connected as the person who uses the console (an approver identity), or read-only as an operator. */
  bus: Bus;
  identity: Identity;
  /** A connection as a tenant's backend, to submit goals from the page; absent: the Submit page says why not. */
  submitter?: { bus: Bus; tenant: string };
  logger: Logger;
  /** Default 127.0.0.1: the console acts as its person, so it listens on this machine only unless told otherwise. */
  host?: string;
  /** Default 4280; 0 picks a free port. */
  port?: number;
};

/** A running console: the URL to open (with its access token) and how to stop it. */
export type RunningConsole = { url: string; close(): Promise<void> };

export const DEFAULT_CONSOLE_PORT = 4280;

/** Serves the console's page and API over HTTP. */
export async function startConsole(opts: StartConsoleOptions): Promise<RunningConsole> {
  const token = randomBytes(24).toString("base64url");
  const actions = consoleActions(opts.bus, opts.identity, opts.submitter);
  const { app, stop } = await createConsoleApp({
    bus: opts.bus,
    actions,
    token,
    logger: opts.logger,
  });
  const host = opts.host ?? "127.0.0.1";
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: (req) => app.fetch(req), hostname: host, port: opts.port ?? DEFAULT_CONSOLE_PORT }, () =>
      resolve(s),
    );
    s.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return {
    url: `http://${shown.includes(":") ? `[${shown}]` : shown}:${port}/?token=${token}`,
    async close() {
      stop();
      // Server-Sent Event streams never end by themselves: close their sockets too.
      if ("closeAllConnections" in server) server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
