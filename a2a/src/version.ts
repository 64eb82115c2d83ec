import { A2aError } from "./errors.ts";
import { A2A_PROTOCOL_VERSION } from "./protocol.ts";

/** The version a request without `A2A-Version` asks for (spec §3.6.2: an empty value means 0.3). */
const ABSENT_VERSION = "0.3";

/** `Major.Minor` of a version string; the patch number does not count in negotiation (spec §3.6). */
function majorMinor(version: string): string | undefined {
  const match = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(version.trim());
  return match === null ? undefined : `${match[1]}.${match[2]}`;
}

/**
 * Checks the protocol version a request asks for — its `A2A-Version` header, or the `A2A-Version` query parameter
 * (spec §3.6.1) — and refuses any but 1.0, naming what to send instead.
 */
export function checkVersion(header: string | undefined, query: string | undefined): void {
  const asked = header ?? query ?? "";
  const requested = asked.trim() === "" ? ABSENT_VERSION : asked.trim();
  if (majorMinor(requested) === A2A_PROTOCOL_VERSION) return;
  const why = asked.trim() === "" ? " (a request without an A2A-Version header asks for 0.3)" : "";
  throw new A2aError(
    "SY_ERR_A2A_VERSION_NOT_SUPPORTED",
    `A2A protocol version "${requested}"${why} is not supported: this agent speaks ${A2A_PROTOCOL_VERSION}; ` +
      `send the header "A2A-Version: ${A2A_PROTOCOL_VERSION}"`,
    { details: { requestedVersion: requested, supportedVersions: A2A_PROTOCOL_VERSION } },
  );
}
