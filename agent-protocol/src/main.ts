// The agent-protocol bridge as a service process: `SY_BRIDGE_TENANT=acme node --import tsx agent-protocol/src/main.ts`
// with the identity `bridge-<tenant>` (NATS_NKEY, NATS_INBOX_PREFIX). Stops cleanly on SIGTERM.
import { errorMessage, runServiceProcess } from "@switchyard/infra";
import { startProtocolBridge } from "./bridge.ts";
import { loadBridgeConfig, type BridgeConfig } from "./bridge-config.ts";

let config: BridgeConfig;
try {
  config = loadBridgeConfig();
} catch (err) {
  process.stderr.write(`agent-protocol: ${errorMessage(err)}\n`);
  process.exit(2);
}

await runServiceProcess({
  service: "agent-protocol",
  role: "base",
  start: ({ bus, logger }) => startProtocolBridge({ bus, config, logger }),
});
