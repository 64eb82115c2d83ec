import type { Caller } from "../authentication.ts";

/** One request's caller, and the signal that aborts when its client goes away (or the gateway stops). */
export type RequestScope = { caller: Caller; signal: AbortSignal };
