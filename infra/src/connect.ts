import { readFileSync } from "node:fs";
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import {
  connect,
  credsAuthenticator,
  nkeyAuthenticator,
  type Authenticator,
  type NatsConnection,
  tokenAuthenticator,
  usernamePasswordAuthenticator,
} from "@nats-io/transport-node";
import { wireNames, type WireNames } from "@switchyard/contracts";
import type { Config } from "./config.ts";
import { errorMessage, InfraError } from "./errors.ts";
import type { Logger } from "./logger.ts";
import { msgIdSealer, type MsgIdSealer } from "./msg-ids.ts";

/** A connection to the bus with everything a service needs to talk on it. */
export type Bus = {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  kvm: Kvm;
  names: WireNames;
  config: Config;
  /** The `Nats-Msg-Id` this identity sends for a logical id: no other identity can send the same one. */
  sealMsgId: MsgIdSealer;
  /** Drains subscriptions and closes the connection; safe to call twice. */
  close(): Promise<void>;
};

/** Options of {@link connectBus}. */
export type ConnectBusOptions = {
  config: Config;
  /** Connection name shown by `nats server report connections`, e.g. `coordinator`. */
  name: string;
  logger?: Logger;
  /** How long to keep trying the first connect; default 10 s. Later disconnects reconnect forever. */
  connectTimeoutMs?: number;
};

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** True when the configuration names credentials of some kind. */
export function hasCredentials(config: Config): boolean {
  return Object.values(config.auth).some((v) => v !== undefined);
}

/** An error the server answers for every attempt: retrying cannot help. */
function isAuthError(err: unknown): boolean {
  return /authorization violation|authentication|user authentication/i.test(errorMessage(err));
}

function readSecret(variable: string, file: string): Uint8Array {
  try {
    return new TextEncoder().encode(readFileSync(file, "utf8").trim());
  } catch (err) {
    throw new InfraError("SY_ERR_CONFIG_INVALID", "caller", `${variable}=${file}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

/** How the connection authenticates, and the identity's secret that keys its message ids. */
function credentials(config: Config): { auth?: Authenticator; secret?: Uint8Array | string } {
  const { nkey, creds, token, user, password } = config.auth;
  if (nkey !== undefined) {
    const seed = readSecret("NATS_NKEY", nkey);
    return { auth: nkeyAuthenticator(seed), secret: seed };
  }
  if (creds !== undefined) {
    const file = readSecret("NATS_CREDS", creds);
    return { auth: credsAuthenticator(file), secret: file };
  }
  if (token !== undefined) return { auth: tokenAuthenticator(token), secret: token };
  if (user !== undefined && password !== undefined) {
    return { auth: usernamePasswordAuthenticator(user, password), secret: `${user}\n${password}` };
  }
  return {};
}

/**
 * Connects to NATS with unbounded reconnects (a restarted server is picked up again) and binds JetStream.
 * The first connect is retried until `connectTimeoutMs`, so services may start before the server.
 */
export async function connectBus(opts: ConnectBusOptions): Promise<Bus> {
  const { config, name, logger } = opts;
  if (!hasCredentials(config)) {
    if (!config.insecure) {
      throw new InfraError(
        "SY_ERR_NO_CREDENTIALS",
        "caller",
        `${name}: no NATS credentials (NATS_NKEY, NATS_CREDS, NATS_TOKEN or NATS_USER): Switchyard runs on an ` +
          "authorized bus (`switchyard auth init` makes an identity per service). To run on an open bus anyway, " +
          "set SY_INSECURE=true.",
      );
    }
    logger?.warn(
      { event: "nats.insecure" },
      "SY_INSECURE=true: connecting without credentials; on an open bus any client can forge results, approve and pay",
    );
  }
  const { auth, secret } = credentials(config);
  const deadline = Date.now() + (opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
  let nc: NatsConnection | undefined;
  for (let attempt = 1; nc === undefined; attempt++) {
    try {
      nc = await connect({
        servers: config.natsUrl,
        name: `${name}/${config.instance}`,
        authenticator: auth,
        inboxPrefix: config.inboxPrefix,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        waitOnFirstConnect: false,
        timeout: 2_000,
        // The client would build an Error (with its stack) for every request in case it fails: ~10% of a busy
        // coordinator's CPU. A failed request still says which subject and why.
        noAsyncTraces: true,
      });
    } catch (err) {
      if (isAuthError(err)) {
        throw new InfraError(
          "SY_ERR_NATS_AUTH",
          "caller",
          `NATS at ${config.natsUrl.join(",")} refused ${name}'s credentials: ${errorMessage(err)} ` +
            "(check NATS_NKEY, and that the server loaded the nats-auth.conf these credentials belong to)",
          { cause: err },
        );
      }
      if (Date.now() >= deadline) {
        throw new InfraError(
          "SY_ERR_NATS_CONNECT",
          "system",
          `cannot connect to NATS at ${config.natsUrl.join(",")} after ${attempt} attempts: ${errorMessage(err)}`,
          { cause: err },
        );
      }
      await new Promise((r) => setTimeout(r, Math.min(1_000, 100 * attempt)));
    }
  }
  const conn = nc;
  void (async () => {
    for await (const s of conn.status()) {
      if (s.type === "disconnect" || s.type === "reconnect" || s.type === "error") {
        // A permissions violation names the subject this identity may not use: a misconfigured deployment.
        logger?.warn(
          { event: `nats.${s.type}`, status: s, err: "error" in s ? errorMessage(s.error) : undefined },
          `nats ${s.type}`,
        );
      }
    }
  })();
  const js = jetstream(conn, { timeout: 10_000 });
  // A server that just started may accept connections a moment before JetStream is ready.
  let jsm: JetStreamManager | undefined;
  while (jsm === undefined) {
    try {
      jsm = await jetstreamManager(conn, { timeout: 10_000 });
    } catch (err) {
      if (/permissions violation/i.test(errorMessage(err))) {
        await conn.close();
        throw new InfraError(
          "SY_ERR_NATS_AUTH",
          "caller",
          `${name} may not use JetStream or its inbox: ${errorMessage(err)} (NATS_INBOX_PREFIX must be the ` +
            `identity's own inbox, _INBOX_<identity>; it is ${config.inboxPrefix ?? "unset"})`,
          { cause: err },
        );
      }
      if (Date.now() >= deadline) {
        await conn.close();
        throw new InfraError(
          "SY_ERR_NATS_CONNECT",
          "system",
          `JetStream is not available at ${config.natsUrl.join(",")}: ${errorMessage(err)} (start nats-server with -js)`,
          { cause: err },
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  let closing: Promise<void> | undefined;
  return {
    nc: conn,
    js,
    jsm,
    kvm: new Kvm(js),
    names: wireNames(config.prefix),
    config,
    sealMsgId: msgIdSealer(secret),
    close() {
      closing ??= conn.isClosed() ? Promise.resolve() : conn.drain().catch(() => conn.close());
      return closing;
    },
  };
}
