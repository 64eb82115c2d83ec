import { stripVTControlCharacters } from "node:util";
import { StepEvent } from "@switchyard/contracts";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { approvedGoalEvents, llmGoalEvents } from "../history/fixture-events.test-helpers.ts";
import { colourFor, painter } from "./colour.ts";
import { applyEvent, newGoalProgress } from "./goal-progress.ts";
import { lineView, ttyView, type ProgressView } from "./live-view.ts";

const T0 = Date.parse("2026-01-31T12:00:00.000Z");

/** Feeds the events to a view as the watcher does, with the clock at each event's time. */
function play(goalId: string, events: readonly unknown[], make: (now: () => number) => ProgressView): void {
  const p = newGoalProgress(goalId);
  let clock = T0;
  const view = make(() => clock);
  for (const raw of events) {
    const e = StepEvent.safeParse(raw);
    if (!e.success) continue;
    clock = Date.parse(e.data.at);
    applyEvent(p, e.data);
    view.update(p, e.data);
    vi.advanceTimersByTime(200);
  }
  view.finish(p);
}

const sink = () => {
  const chunks: string[] = [];
  return { chunks, write: (t: string) => chunks.push(t), text: () => chunks.join("") };
};

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("colour", () => {
  it("colours only a terminal, and never with NO_COLOR", () => {
    expect(colourFor({ isTTY: true }, {})).toBe(true);
    expect(colourFor({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(colourFor({ isTTY: false }, {})).toBe(false);
    expect(colourFor({}, {})).toBe(false);
    expect(painter(false)("bad", "failed")).toBe("failed");
    expect(painter(true)("bad", "failed")).toBe("\x1b[31mfailed\x1b[39m");
  });
});

describe("lineView (not a terminal)", () => {
  it("prints one plain line per event, with the time since the goal was submitted", () => {
    const out = sink();
    play("g5", approvedGoalEvents(), (now) => lineView(out, painter(false), T0, now));
    const lines = out.text().trimEnd().split("\n");
    expect(lines).toHaveLength(approvedGoalEvents().length);
    expect(lines).toEqual([
      "+0.000s  plan  model step 1 scripted:planner → submit_plan  [ok · 500 tok · $0.0020 · 30 ms]",
      "+0.040s  goal  accepted: plan llm · user dana · tenant acme",
      "+0.041s  goal  plan: refund → refunds",
      "+0.042s  refund  dispatched to refunds (attempt 1)",
      "+0.050s  refund  started @ refunds-a (attempt 1)",
      expect.stringMatching(/^\+0\.060s {2}refund {2}proposal issue_refund \(destructive\) {2}\[pending\] {2}— fedcba/),
      "+0.070s  refund  finished needs_approval · 0 tok · $0.0000 · 20 ms",
      "+0.080s  goal  paused for an approval  [needs_approval]  — waiting for approval of fedcba9876543210fedcba9876543210",
      "+5.000s  refund  approved by rita  [approved]  — defective product",
      "+5.100s  refund  executor ran issue_refund  [executed]",
      "+5.200s  goal  resumed by rita  — proposal fedcba9876543210fedcba9876543210 of refund",
      "+5.201s  goal  finished ok · 500 tok · $0.0020 · 5.2 s",
    ]);
    expect(out.text()).not.toContain("\x1b");
  });
});

describe("ttyView (a terminal)", () => {
  it("redraws the goal's line and one line per subtask in place, and leaves the last state", () => {
    const out = sink();
    play("g1", llmGoalEvents(), (now) => ttyView({ ...out, columns: 200 }, painter(false), T0, now));
    const frames = out.chunks;
    expect(frames.length).toBeGreaterThan(3);
    // Every frame after the first starts by moving up over the block the one before drew, line for line.
    frames.slice(1).forEach((f, i) => {
      const before = (frames[i]?.match(/\n/g) ?? []).length;
      expect(f.startsWith(`\x1b[${before}F`)).toBe(true);
    });
    expect(frames.at(-1)?.startsWith("\x1b[3F")).toBe(true);
    const last = stripVTControlCharacters(frames.at(-1) ?? "")
      .trimEnd()
      .split("\n");
    expect(last).toEqual([
      "goal g1: limit_cost · plan research-write · 2/2 subtask(s) · 660 tok · $0.0067 · 1.9 s",
      "  ✓ research  researcher  ok          300 tok · $0.0027 · 1.2 s",
      "  ✗ write     writer      limit_cost  360 tok · $0.0040 · 600 ms",
    ]);
  });

  it("cuts lines that would wrap, and colours the status on a terminal", () => {
    const out = sink();
    play("g1", llmGoalEvents(), (now) => ttyView({ ...out, columns: 30 }, painter(true), T0, now));
    const last = (out.chunks.at(-1) ?? "").split("\n").filter((l) => l !== "" && l !== "\x1b[0J");
    for (const line of last) expect(stripVTControlCharacters(line).length).toBeLessThanOrEqual(29);
    expect(out.chunks.at(-1)).toContain("\x1b[32m");
  });
});
