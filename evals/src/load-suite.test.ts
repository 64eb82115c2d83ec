import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { EvalError } from "./errors.ts";
import { loadSuite, parseSuite } from "./load-suite.ts";

const ok = (id: string) =>
  JSON.stringify({ id, goal: { text: "hi", plan: "demo" }, checks: { outcome: { status: "ok" } } });

describe("parseSuite", () => {
  it("reads one case a line, skipping blank and // lines, with defaults applied", () => {
    const suite = parseSuite(`// a comment\n${ok("a")}\n\n${ok("b")}\n`, "evals/suites/x.jsonl");
    expect(suite.name).toBe("x");
    expect(suite.cases.map((c) => c.id)).toEqual(["a", "b"]);
    expect(suite.cases[0]?.goal).toMatchObject({ tenant: "default", user: "eval" });
  });

  it("names file:line, the case and the field of every bad line at once", () => {
    const text = [
      ok("a"),
      "{not json",
      JSON.stringify({ id: "b", goal: { text: "" } }),
      JSON.stringify({ id: "c", goal: { text: "x" }, checks: { trajectory: { mode: "fuzzy" } } }),
      JSON.stringify({ id: "Bad Id", goal: { text: "x" } }),
      ok("a"),
      JSON.stringify({ id: "d", goal: { text: "x" }, checks: { outcome: { assertions: [{ path: "output" }] } } }),
    ].join("\n");
    let error: unknown;
    try {
      parseSuite(text, "s.jsonl");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EvalError);
    const message = (error as EvalError).message;
    expect((error as EvalError).code).toBe("SY_ERR_EVAL_SUITE_INVALID");
    expect(message).toContain("s.jsonl:2: not valid JSON");
    expect(message).toMatch(/s\.jsonl:3 \(case "b"\): goal\.text: Too small/);
    expect(message).toMatch(/s\.jsonl:4 \(case "c"\): checks\.trajectory\.mode: Invalid option/);
    expect(message).toMatch(/s\.jsonl:5 \(case "Bad Id"\): id: must be a stable id/);
    expect(message).toContain('s.jsonl:6: id: "a" is already the id of line 1');
    expect(message).toMatch(/s\.jsonl:7 \(case "d"\): checks\.outcome\.assertions\.0: give one of equals/);
  });
});

describe("the shipped suites", () => {
  const dir = resolve(import.meta.dirname, "..", "suites");
  it.each(readdirSync(dir).filter((f) => f.endsWith(".jsonl")))("%s validates", (file) => {
    expect(loadSuite(join(dir, file)).cases.length).toBeGreaterThan(0);
  });
});
