// Where the live progress goes: on a terminal, a block of lines (the goal's, then one per subtask) redrawn in place
// as events arrive; anywhere else, one plain line per event, so a log or a CI job reads it top to bottom.
import type { StepEvent } from "@switchyard/contracts";
import type { Paint } from "./colour.ts";
import type { GoalProgress } from "./goal-progress.ts";
import { eventLine, goalLine, subtaskLine, widthsOf } from "./progress-format.ts";

/** Shows a goal's progress: told of every event (after it was folded into `p`), and once more at the end. */
export type ProgressView = {
  update(p: GoalProgress, event: StepEvent): void;
  finish(p: GoalProgress): void;
};

/** What a view writes to: stderr, or a test's sink. `columns` cuts lines that would wrap (and break redrawing). */
export type ViewOutput = { write(text: string): unknown; columns?: number };

/** One line per event, with the time since `startedAt`. */
export function lineView(out: ViewOutput, paint: Paint, startedAt: number, now = Date.now): ProgressView {
  return {
    update: (_p, event) => void out.write(`${eventLine(event, now() - startedAt, paint)}\n`),
    finish: () => undefined,
  };
}

// ANSI: to the start of the line `n` lines up; erase the line; erase from the cursor to the end of the screen.
const up = (n: number) => (n > 0 ? `\x1b[${n}F` : "");
const ERASE_LINE = "\x1b[2K";
const ERASE_BELOW = "\x1b[0J";

const ESC = "\x1b";

/** Cuts a line to `columns - 1` visible characters (colour codes do not count, and are kept), so it never wraps. */
function fit(line: string, columns: number | undefined): string {
  if (columns === undefined || columns <= 1) return line;
  let visible = 0;
  let out = "";
  for (let i = 0; i < line.length; i++) {
    if (line[i] === ESC && line[i + 1] === "[") {
      const end = line.indexOf("m", i);
      if (end !== -1) {
        out += line.slice(i, end + 1);
        i = end;
        continue;
      }
    }
    if (visible < columns - 1) {
      out += line[i];
      visible++;
    }
  }
  return out;
}

/** How often the block is redrawn at most, and how often the goal's clock ticks without events. */
const REDRAW_MS = 100;
const TICK_MS = 1_000;

/** The goal's line and one line per subtask, redrawn in place (at most every 100 ms, and each second for the clock). */
export function ttyView(out: ViewOutput, paint: Paint, startedAt: number, now = Date.now): ProgressView {
  let drawn = 0;
  let latest: GoalProgress | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastDraw = 0;
  const draw = () => {
    timer = undefined;
    if (latest === undefined) return;
    lastDraw = now();
    const widths = widthsOf(latest.subtasks);
    const lines = [
      goalLine(latest, lastDraw - startedAt, paint),
      ...latest.subtasks.map((r) => subtaskLine(r, widths, paint)),
    ];
    out.write(`${up(drawn)}${lines.map((l) => `${ERASE_LINE}${fit(l, out.columns)}\n`).join("")}${ERASE_BELOW}`);
    drawn = lines.length;
  };
  const tick = setInterval(draw, TICK_MS).unref();
  return {
    update(p) {
      latest = p;
      if (timer !== undefined) return;
      timer = setTimeout(draw, Math.max(0, lastDraw + REDRAW_MS - now())).unref();
    },
    finish(p) {
      clearInterval(tick);
      clearTimeout(timer);
      latest = p;
      draw();
    },
  };
}
