// Colour for a terminal, and only for one: never in a pipe or a file, never with NO_COLOR (https://no-color.org).
import { styleText } from "node:util";
import { isWaiting } from "../waiting.ts";

/** Whether to colour what goes to `stream`: a TTY, and `NO_COLOR` unset or empty. */
export function colourFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env["NO_COLOR"] ?? "") === "";
}

/** What a status means to a reader, which picks its colour. */
export type Tone = "good" | "bad" | "waiting" | "active" | "dim";

const STYLE: Record<Tone, Parameters<typeof styleText>[0]> = {
  good: "green",
  bad: "red",
  waiting: "yellow",
  active: "cyan",
  dim: "gray",
};

/** Paints text in a tone, or leaves it as it is. */
export type Paint = (tone: Tone, text: string) => string;

/** A painter that colours when `enabled`, else returns the text untouched. */
export function painter(enabled: boolean): Paint {
  // `validateStream: false`: the decision is ours (colourFor), made once for the stream we write to.
  return enabled ? (tone, text) => styleText(STYLE[tone], text, { validateStream: false }) : (_tone, text) => text;
}

/** The tone of a status word: ok and executed are good, waiting for a person is waiting, the rest of the ends bad. */
export function toneOf(status: string | undefined): Tone {
  if (isWaiting(status)) return "waiting";
  switch (status) {
    case undefined:
    case "pending":
      return "dim";
    case "ok":
    case "approved":
    case "executed":
      return "good";
    case "proposed":
      return "waiting";
    case "dispatched":
    case "running":
      return "active";
    default:
      return "bad";
  }
}
