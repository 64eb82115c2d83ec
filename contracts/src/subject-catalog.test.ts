import { describe, expect, it } from "vitest";
import { wireNames } from "./names.ts";
import {
  addressParameters,
  SUBJECT_CHANNELS,
  SUBJECT_FILTERS,
  SUBJECT_PARAMETERS,
  subjectAddress,
  type ChannelId,
  type SubjectChannel,
} from "./subject-catalog.ts";
import { WIRE_SCHEMAS } from "./wire-schemas.ts";

const names = wireNames();
const channels = Object.entries(SUBJECT_CHANNELS) as [ChannelId, SubjectChannel][];

/** NATS subject matching, where a `{name}` token stands for any one token and matches only itself or a wildcard. */
function matches(filter: string, address: string): boolean {
  const f = filter.split(".");
  const a = address.split(".");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === ">") return a.length > i;
    if (i >= a.length) return false;
    if (f[i] !== "*" && f[i] !== a[i]) return false;
  }
  return f.length === a.length;
}

describe("the subject catalog", () => {
  it("holds every subject builder of wireNames(), as a channel or a filter", () => {
    const catalogued = new Set([...channels.map(([, c]) => c.subject), ...SUBJECT_FILTERS.map((f) => f.subject)]);
    expect(Object.keys(names.subjects).filter((key) => !catalogued.has(key as never))).toEqual([]);
  });

  it("gives every channel its own address, with known parameters only", () => {
    const addresses = channels.map(([, c]) => subjectAddress(c, names));
    expect(new Set(addresses).size).toBe(addresses.length);
    for (const address of addresses) {
      expect(address.startsWith(`${names.prefix}.`), address).toBe(true);
      for (const p of addressParameters(address)) expect(Object.keys(SUBJECT_PARAMETERS), address).toContain(p);
      // Every token is a literal or a whole parameter: a parameter is one subject token.
      for (const token of address.split(".")) expect(token, address).toMatch(/^(?:[a-z_]+|\{[A-Za-z]+\})$/);
    }
    expect(subjectAddress(SUBJECT_CHANNELS.events, names)).toBe("sy.events.{tenant}.{goalId}.{source}");
    expect(subjectAddress(SUBJECT_CHANNELS.goalCancelPerson, names)).toBe("sy.goals.cancel.person.{person}");
  });

  it("names wire schemas that exist, and has a publisher and a consumer for every channel", () => {
    for (const [id, c] of channels) {
      for (const schema of [c.message, typeof c.reply === "string" ? c.reply : undefined]) {
        if (schema !== undefined) expect(WIRE_SCHEMAS, id).toHaveProperty(schema);
      }
      expect(c.message !== undefined || c.delivery === "request", `${id} carries nothing`).toBe(true);
      expect(c.publishers.length, id).toBeGreaterThan(0);
      expect(c.consumers.length, id).toBeGreaterThan(0);
    }
  });

  it.each(SUBJECT_FILTERS.map((f) => [f.subject, f] as const))("filter %s matches exactly its channels", (_, f) => {
    const filter = subjectAddress(f, names);
    const matched = channels.filter(([, c]) => matches(filter, subjectAddress(c, names))).map(([id]) => id);
    expect(matched.sort()).toEqual([...f.of].sort());
  });
});
