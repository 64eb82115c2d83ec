import { describe, expect, it } from "vitest";
import { submitHint } from "./up.ts";

describe("submitHint", () => {
  it("names the bus `up` was given, so the command works from another terminal", () => {
    expect(submitHint("nats://10.0.0.5:4222")).toBe('pnpm switchyard goal "some text" --nats nats://10.0.0.5:4222');
    expect(submitHint(undefined)).toBe('pnpm switchyard goal "some text"');
  });
});
