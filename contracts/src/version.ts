import { z } from "zod";

/** The wire version every envelope carries in `v`. Bump it on a breaking change and keep the old fixtures. */
export const WIRE_VERSION = 1;

/** The `v` field of every envelope. */
export const WireVersion = z.literal(WIRE_VERSION).describe("Wire schema version of this envelope.");
