import { JetStreamApiError } from "@nats-io/jetstream";
import { RequestError, NoRespondersError, TimeoutError } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { retryTransient, transientFailure } from "./transient.ts";

/** What nats.js throws for a JetStream request nobody answered (a stream without a leader). */
function jetStreamNotEnabled(): Error {
  const err = new Error("jetstream is not enabled");
  err.name = "JetStreamNotEnabled";
  return err;
}

describe("transientFailure", () => {
  it("tells a lost leader and a timeout from failures a retry cannot cure", () => {
    expect(transientFailure(jetStreamNotEnabled())).toBe("no_leader");
    expect(transientFailure(new RequestError("no responders", { cause: new NoRespondersError("$JS.ACK.x") }))).toBe(
      "no_leader",
    );
    expect(transientFailure(new JetStreamApiError({ code: 503, err_code: 10008, description: "unavailable" }))).toBe(
      "no_leader",
    );
    expect(transientFailure(new TimeoutError())).toBe("timeout");
    // A lost compare-and-set, a missing stream and a plain bug are answers, not outages.
    expect(transientFailure(new JetStreamApiError({ code: 400, err_code: 10071, description: "wrong last" }))).toBe(
      undefined,
    );
    expect(transientFailure(new JetStreamApiError({ code: 404, err_code: 10059, description: "not found" }))).toBe(
      undefined,
    );
    expect(transientFailure(new Error("boom"))).toBe(undefined);
  });
});

describe("retryTransient", () => {
  it("retries through a lost leader and returns the result", async () => {
    let calls = 0;
    const result = await retryTransient(async () => {
      calls++;
      if (calls < 3) throw jetStreamNotEnabled();
      return "stored";
    });
    expect(result).toBe("stored");
    expect(calls).toBe(3);
  });

  it("retries a timeout only for an idempotent call", async () => {
    let calls = 0;
    const op = async () => {
      calls++;
      if (calls === 1) throw new TimeoutError();
      return "ok";
    };
    await expect(retryTransient(op)).rejects.toBeInstanceOf(TimeoutError);
    calls = 0;
    await expect(retryTransient(op, { idempotent: true })).resolves.toBe("ok");
  });

  it("throws at once what a retry cannot cure, and gives up at maxMs", async () => {
    let calls = 0;
    await expect(
      retryTransient(async () => {
        calls++;
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(calls).toBe(1);
    const started = Date.now();
    await expect(
      retryTransient(
        async () => {
          throw jetStreamNotEnabled();
        },
        { maxMs: 500 },
      ),
    ).rejects.toThrow("jetstream is not enabled");
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
