// The documents a backend in another language starts from: contracts/schema/*.json (JSON Schema 2020-12) and
// contracts/asyncapi.yaml (AsyncAPI 3.0). Each must load in a strict validator, describe what it claims, carry no
// JavaScript artefacts, and hold examples that both the JSON Schema and the zod schema accept.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  addressParameters,
  PARTIES,
  SUBJECT_CHANNELS,
  subjectAddress,
  WIRE_SCHEMAS,
  type ChannelId,
  type SubjectChannel,
} from "@switchyard/contracts";
import { toValidationIssues } from "@switchyard/infra";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "../fixtures/processes.ts";

type Json = Record<string, unknown>;
type WireName = keyof typeof WIRE_SCHEMAS;

const contractsDir = join(ROOT, "contracts");
const schemaDir = join(contractsDir, "schema");
const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Json;
const documents = readdirSync(schemaDir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => [f.slice(0, -".json".length), readJson(join(schemaDir, f))] as const);

/** Every object node of a JSON document, with its JSON Pointer. */
function* nodes(value: unknown, pointer = ""): Generator<[string, Json]> {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) yield* nodes(v, `${pointer}/${i}`);
  } else if (typeof value === "object" && value !== null) {
    yield [pointer, value as Json];
    for (const [k, v] of Object.entries(value))
      yield* nodes(v, `${pointer}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`);
  }
}

/** Resolves a local JSON Pointer (`#/a/b`) in `doc`. */
function resolvePointer(doc: unknown, ref: string): unknown {
  return ref
    .slice(2)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((node, token) => (node as Json | undefined)?.[token], doc);
}

/** Nodes that are schemas by position: everything but the `examples` values (data, not schemas). */
const schemaNodes = (doc: Json) => [...nodes(doc)].filter(([pointer]) => !/\/examples(\/|$)/.test(pointer));

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats.default(ajv);

describe("the JSON Schemas", () => {
  it("are exactly the wire schemas", () => {
    expect(documents.map(([name]) => name).sort()).toEqual(Object.keys(WIRE_SCHEMAS).sort());
  });

  it.each(documents)("%s compiles in strict mode and says what it is", (name, doc) => {
    expect(() => ajv.compile(doc)).not.toThrow();
    expect(doc).toMatchObject({ $id: `urn:switchyard:schema:${name}`, title: name, description: expect.any(String) });
    for (const [pointer, node] of schemaNodes(doc)) {
      if (typeof node["$ref"] === "string") {
        expect(resolvePointer(doc, node["$ref"]), `${name}${pointer}: ${node["$ref"]}`).toBeDefined();
      }
    }
    const defs = Object.keys((doc["$defs"] as Json | undefined) ?? {});
    const refs = new Set(schemaNodes(doc).map(([, n]) => n["$ref"]));
    expect(
      defs.filter((d) => !refs.has(`#/$defs/${d}`)),
      `${name}: unused $defs`,
    ).toEqual([]);
  });

  it.each(documents)("%s has no zod artefacts", (name, doc) => {
    for (const [pointer, node] of schemaNodes(doc)) {
      const where = `${name}${pointer}`;
      expect([node["maximum"], node["minimum"]], where).not.toContain(Number.MAX_SAFE_INTEGER);
      expect([node["maximum"], node["minimum"]], where).not.toContain(Number.MIN_SAFE_INTEGER);
      if (node["type"] === "integer") expect(node["exclusiveMinimum"], where).toBeUndefined();
      if (node["format"] === "date-time" || node["$ref"] === "#/$defs/Timestamp") {
        expect(node["pattern"], where).toBeUndefined();
      }
      if (pointer.endsWith("/properties/v")) expect(node, where).toMatchObject({ type: "integer", const: 1 });
    }
  });

  it("share one definition of each named type", () => {
    const goalResult = readJson(join(schemaDir, "GoalResult.json"));
    // Usage appears in the goal and in each subtask result, Failure under both failures: each is defined once.
    expect(Object.keys(goalResult["$defs"] as Json)).toEqual(
      expect.arrayContaining(["Usage", "Failure", "FailureKind", "SubtaskResult", "RunStatus", "Timestamp"]),
    );
    const usages = schemaNodes(goalResult).filter(([, n]) => n["$ref"] === "#/$defs/Usage");
    expect(usages.map(([p]) => p)).toEqual(
      expect.arrayContaining(["/properties/usage", "/$defs/SubtaskResult/properties/usage"]),
    );
    const inlineUsages = schemaNodes(goalResult).filter(([, n]) =>
      (n["required"] as unknown[])?.includes("inputTokens"),
    );
    expect(inlineUsages.map(([p]) => p)).toEqual(["/$defs/Usage"]);
  });

  const examples = documents.flatMap(([name, doc]) =>
    ((doc["examples"] as unknown[] | undefined) ?? []).map(
      (example, i) => [`${name} #${i + 1}`, name, example] as const,
    ),
  );

  it("carry examples for the main wire types", () => {
    const withExamples = new Set(examples.map(([, name]) => name));
    for (const name of ["Goal", "GoalResult", "GoalReply", "SubtaskEnvelope", "SubtaskResult", "StepEvent"] as const) {
      expect(withExamples, name).toContain(name);
    }
    for (const name of ["ActionProposal", "ApprovalDecision", "GoalAnswer", "OutputReview", "CancelRequest"] as const) {
      expect(withExamples, name).toContain(name);
    }
  });

  it.each(examples)("example %s passes its JSON Schema and its zod schema", (_label, name, example) => {
    const validate =
      ajv.getSchema(`urn:switchyard:schema:${name}`) ?? ajv.compile(readJson(join(schemaDir, `${name}.json`)));
    expect(validate(example) ? [] : validate.errors).toEqual([]);
    const parsed = WIRE_SCHEMAS[name as WireName].safeParse(example);
    expect(parsed.success ? [] : toValidationIssues(parsed.error)).toEqual([]);
  });
});

describe("the AsyncAPI document", () => {
  const doc = parse(readFileSync(join(contractsDir, "asyncapi.yaml"), "utf8")) as Json;
  const channels = doc["channels"] as Record<string, Json>;
  const operations = doc["operations"] as Record<string, Json>;

  it("is AsyncAPI 3.0 whose references all resolve, into this document or onto a schema file", () => {
    expect(doc["asyncapi"]).toBe("3.0.0");
    const refs = [...nodes(doc)].map(([, n]) => n["$ref"]).filter((r): r is string => typeof r === "string");
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of refs) {
      if (ref.startsWith("#/")) expect(resolvePointer(doc, ref), ref).toBeDefined();
      else expect(existsSync(join(contractsDir, ref)), ref).toBe(true);
    }
  });

  it("has a channel for every catalogued subject, with its parameters and who publishes and consumes it", () => {
    for (const [id, channel] of Object.entries(SUBJECT_CHANNELS) as [ChannelId, SubjectChannel][]) {
      const address = subjectAddress(channel);
      expect(channels[id], id).toMatchObject({
        address,
        "x-publishers": channel.publishers.map((p) => PARTIES[p].identity),
        "x-consumers": channel.consumers.map((p) => PARTIES[p].identity),
      });
      expect(Object.keys((channels[id]?.["parameters"] as Json | undefined) ?? {}), id).toEqual(
        addressParameters(address),
      );
      if (channel.message !== undefined) {
        const message = resolvePointer(doc, `#/components/messages/${channel.message}`) as Json;
        expect(message["payload"], id).toEqual({ $ref: `./schema/${channel.message}.json` });
      }
      const ops = Object.entries(operations).filter(([, op]) => (op["channel"] as Json)["$ref"] === `#/channels/${id}`);
      expect(ops.filter(([, op]) => op["action"] === "send").length, id).toBe(channel.publishers.length);
      expect(ops.filter(([, op]) => op["action"] === "receive").length, id).toBe(channel.consumers.length);
    }
  });

  it("has operations whose messages are their channel's", () => {
    for (const [id, op] of Object.entries(operations)) {
      const channel = (op["channel"] as Json)["$ref"] as string;
      for (const m of op["messages"] as Json[])
        expect((m["$ref"] as string).startsWith(`${channel}/messages/`), id).toBe(true);
      const reply = op["reply"] as Json | undefined;
      if (reply !== undefined) {
        const replyChannel = (reply["channel"] as Json)["$ref"] as string;
        expect(resolvePointer(doc, replyChannel), id).toMatchObject({ address: null });
        for (const m of reply["messages"] as Json[]) {
          expect((m["$ref"] as string).startsWith(`${replyChannel}/messages/`), id).toBe(true);
        }
      }
    }
  });
});
