import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, nkeyAuthenticator } from "@nats-io/transport-node";
import { afterEach, describe, expect, it } from "vitest";
import { startNatsServer, type NatsServerHandle } from "../nats-server.ts";
import {
  AUTH_CONF_FILE,
  credentialsEnv,
  initAuthDir,
  MANIFEST_FILE,
  readAuthDir,
  rotateIdentity,
  seedFile,
} from "./auth-dir.ts";
import { identity } from "./identities.ts";

let dir: string;
let server: NatsServerHandle | undefined;

function freshDir(): string {
  dir = mkdtempSync(join(tmpdir(), "sy-auth-test-"));
  return dir;
}

afterEach(async () => {
  await server?.stop();
  server = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const mode = (file: string) => statSync(file).mode & 0o777;
const seedOf = (name: string) => readFileSync(seedFile(dir, name), "utf8").trim();
const keyOf = (name: string) => readAuthDir(dir)?.identities.find((i) => i.name === name)?.publicKey;

describe("initAuthDir", () => {
  it("writes a seed per identity readable by its owner only, the manifest and the server config", () => {
    freshDir();
    const { manifest, created } = initAuthDir({
      dir,
      identities: [identity("coordinator"), identity("agent", "keywords")],
    });
    expect(created).toEqual(["coordinator", "agent-keywords"]);
    expect(manifest.prefixes).toEqual(["sy"]);
    expect(manifest.identities.map((i) => i.name)).toEqual(["coordinator", "agent-keywords"]);
    for (const name of created) {
      expect(mode(seedFile(dir, name)), name).toBe(0o600);
      expect(seedOf(name)).toMatch(/^SU[A-Z2-7]+$/);
    }
    expect(readAuthDir(dir)).toEqual(manifest);
    const conf = readFileSync(join(dir, AUTH_CONF_FILE), "utf8");
    for (const i of manifest.identities) expect(conf).toContain(`nkey: "${i.publicKey}"`);
    // No secret lands in the manifest or the server configuration.
    for (const name of created) {
      expect(conf).not.toContain(seedOf(name));
      expect(readFileSync(join(dir, MANIFEST_FILE), "utf8")).not.toContain(seedOf(name));
    }
  });

  it("keeps existing keys when run again and only adds new identities", () => {
    freshDir();
    initAuthDir({ dir, prefixes: ["sy", "t2"], identities: [identity("coordinator"), identity("backend", "acme")] });
    const before = { coordinator: seedOf("coordinator"), acme: seedOf("backend-acme"), key: keyOf("coordinator") };

    const again = initAuthDir({
      dir,
      identities: [identity("coordinator"), identity("backend", "acme"), identity("approver", "rita")],
    });
    expect(again.created).toEqual(["approver-rita"]);
    expect(again.manifest.prefixes).toEqual(["sy", "t2"]); // kept from the directory when not given
    expect(again.manifest.identities.map((i) => i.name)).toEqual(["coordinator", "backend-acme", "approver-rita"]);
    expect(seedOf("coordinator")).toBe(before.coordinator);
    expect(seedOf("backend-acme")).toBe(before.acme);
    expect(keyOf("coordinator")).toBe(before.key);

    // Asking for fewer identities removes none.
    const third = initAuthDir({ dir, identities: [identity("operator")] });
    expect(third.created).toEqual(["operator"]);
    expect(third.manifest.identities).toHaveLength(4);
    expect(initAuthDir({ dir, identities: [identity("operator")] }).created).toEqual([]);
  });

  it("gives an identity whose seed file is gone a new key", () => {
    freshDir();
    initAuthDir({ dir, identities: [identity("executor")] });
    const old = keyOf("executor");
    rmSync(seedFile(dir, "executor"));
    const { created } = initAuthDir({ dir, identities: [identity("executor")] });
    expect(created).toEqual(["executor"]);
    expect(keyOf("executor")).not.toBe(old);
    expect(readAuthDir(dir)?.identities).toHaveLength(1);
  });

  it("refuses a bad prefix, naming it", () => {
    freshDir();
    expect(() => initAuthDir({ dir, prefixes: ["Bad.Prefix"], identities: [identity("admin")] })).toThrow(
      /Bad\.Prefix/,
    );
  });
});

describe("readAuthDir", () => {
  it("is undefined for a directory without a manifest and refuses an invalid one", () => {
    freshDir();
    expect(readAuthDir(dir)).toBeUndefined();
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify({ v: 1, prefixes: [], identities: [] }));
    expect(() => readAuthDir(dir)).toThrow(/not a valid manifest/);
  });
});

describe("rotateIdentity", () => {
  it("changes the identity's public key and seed, and leaves the others alone", () => {
    freshDir();
    initAuthDir({ dir, identities: [identity("coordinator"), identity("agent", "keywords")] });
    const before = { seed: seedOf("agent-keywords"), key: keyOf("agent-keywords"), coord: keyOf("coordinator") };

    const manifest = rotateIdentity(dir, "agent-keywords");
    const after = manifest.identities.find((i) => i.name === "agent-keywords")?.publicKey;
    expect(after).not.toBe(before.key);
    expect(keyOf("agent-keywords")).toBe(after);
    expect(seedOf("agent-keywords")).not.toBe(before.seed);
    expect(mode(seedFile(dir, "agent-keywords"))).toBe(0o600);
    expect(keyOf("coordinator")).toBe(before.coord);
    const conf = readFileSync(join(dir, AUTH_CONF_FILE), "utf8");
    expect(conf).toContain(`"${after}"`);
    expect(conf).not.toContain(`"${before.key}"`);
  });

  it("refuses an identity that is not in the directory", () => {
    freshDir();
    expect(() => rotateIdentity(dir, "agent-keywords")).toThrow(/no identity "agent-keywords"/);
    initAuthDir({ dir, identities: [identity("coordinator")] });
    expect(() => rotateIdentity(dir, "agent-keywords")).toThrow(/no identity "agent-keywords"/);
  });
});

describe("credentialsEnv", () => {
  it("points at the identity's seed file and its own inbox prefix", () => {
    freshDir();
    initAuthDir({ dir, identities: [identity("backend", "acme")] });
    expect(credentialsEnv(dir, "backend-acme")).toEqual({
      NATS_NKEY: seedFile(dir, "backend-acme"),
      NATS_INBOX_PREFIX: "_INBOX_backend-acme",
    });
  });

  it("throws naming an unknown identity", () => {
    freshDir();
    initAuthDir({ dir, identities: [identity("backend", "acme")] });
    expect(() => credentialsEnv(dir, "backend-globex")).toThrow(/no credentials for identity "backend-globex"/);
  });
});

describe("nats-auth.conf on a real nats-server", () => {
  it("refuses anonymous clients and accepts an identity's nkey with its own inbox prefix", async () => {
    freshDir();
    initAuthDir({ dir, identities: [identity("coordinator"), identity("backend", "acme")] });
    server = await startNatsServer({ env: {}, configFile: join(dir, AUTH_CONF_FILE) });
    expect(server.configured).toBe(true);
    const port = Number(new URL(server.url).port);

    await expect(connect({ port, reconnect: false, timeout: 5_000 })).rejects.toThrow(/authorization violation/i);

    const env = credentialsEnv(dir, "backend-acme");
    const seed = new TextEncoder().encode(readFileSync(env["NATS_NKEY"] ?? "", "utf8").trim());
    const nc = await connect({
      port,
      reconnect: false,
      timeout: 5_000,
      authenticator: nkeyAuthenticator(seed),
      inboxPrefix: env["NATS_INBOX_PREFIX"],
    });
    try {
      // A request's reply comes to the identity's own inbox, which it may read: JetStream answers.
      const info = await nc.request("$JS.API.INFO", undefined, { timeout: 5_000 });
      expect(info.json<{ type: string }>().type).toBe("io.nats.jetstream.api.v1.account_info_response");
    } finally {
      await nc.close();
    }

    // Without the inbox prefix the same key may not read the shared `_INBOX.>`: the request cannot get its reply.
    const plain = await connect({ port, reconnect: false, timeout: 5_000, authenticator: nkeyAuthenticator(seed) });
    try {
      await expect(plain.request("$JS.API.INFO", undefined, { timeout: 2_000 })).rejects.toThrow(
        /permissions violation for subscription to "_INBOX\./i,
      );
    } finally {
      await plain.close().catch(() => undefined);
    }

    // A seed that is not in the configuration is refused too.
    const { created } = initAuthDir({ dir: join(dir, "other"), identities: [identity("backend", "acme")] });
    expect(created).toEqual(["backend-acme"]);
    const stranger = new TextEncoder().encode(
      readFileSync(seedFile(join(dir, "other"), "backend-acme"), "utf8").trim(),
    );
    await expect(
      connect({ port, reconnect: false, timeout: 5_000, authenticator: nkeyAuthenticator(stranger) }),
    ).rejects.toThrow(/authorization violation/i);
  });
});
