import { describe, expect, it } from "vitest";
import { A2aError } from "./errors.ts";
import { answerFromMessage, goalFromMessage, GOAL_METADATA } from "./goal-from-message.ts";
import { SendMessageParams } from "./request-params.ts";

const who = { tenant: "acme", user: "ana" };
const params = (parts: unknown[], extra: Record<string, unknown> = {}, messageExtra: Record<string, unknown> = {}) =>
  SendMessageParams.parse({ message: { messageId: "m1", role: "ROLE_USER", parts, ...messageExtra }, ...extra });

function errorOf(fn: () => unknown): A2aError {
  try {
    fn();
  } catch (err) {
    if (err instanceof A2aError) return err;
    throw err;
  }
  throw new Error("expected an A2aError");
}

describe("goalFromMessage", () => {
  it("takes the goal from the text parts, its input from the data parts and its plan from the metadata", () => {
    const goal = goalFromMessage(
      params(
        [{ text: "Refund order" }, { data: { orderId: "A-1" } }, { text: "please" }, { data: { amount: 5 } }],
        {
          metadata: { plan: "other" },
        },
        { metadata: { plan: "support" }, contextId: "ctx-1" },
      ),
      { ...who, defaultPlan: "demo" },
    );
    expect(goal).toMatchObject({
      tenant: "acme",
      user: "ana",
      text: "Refund order\nplease",
      input: { orderId: "A-1", amount: 5 },
      plan: "support",
      metadata: { [GOAL_METADATA.messageId]: "m1", [GOAL_METADATA.contextId]: "ctx-1" },
    });
    expect(goal.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(goalFromMessage(params([{ text: "x" }], { metadata: { plan: "other" } }), who).plan).toBe("other");
    expect(goalFromMessage(params([{ text: "x" }]), { ...who, defaultPlan: "demo" }).plan).toBe("demo");
    expect(goalFromMessage(params([{ text: "x" }]), who).plan).toBeUndefined();
  });

  it("refuses what cannot be a goal, naming the field", () => {
    expect(errorOf(() => goalFromMessage(params([{ data: { a: 1 } }]), who))).toMatchObject({
      code: "SY_ERR_A2A_INVALID_PARAMS",
      violations: [{ field: "message.parts", description: "needs a text part: the goal in plain words" }],
    });
    expect(errorOf(() => goalFromMessage(params([{ text: "x" }, { data: [1, 2] }]), who)).violations).toEqual([
      { field: "message.parts.1.data", description: "must be a JSON object (it becomes the goal's input)" },
    ]);
    expect(
      errorOf(() => goalFromMessage(params([{ text: "x" }], {}, { metadata: { plan: "Bad Plan" } }), who)),
    ).toMatchObject({ violations: [{ field: "message.metadata.plan" }] });
    expect(errorOf(() => goalFromMessage(params([{ text: "x" }, { url: "https://x/a.pdf" }]), who))).toMatchObject({
      code: "SY_ERR_A2A_CONTENT_TYPE_NOT_SUPPORTED",
      message: expect.stringMatching(/message\.parts\[1\] is a file/),
    });
  });

  it("reads an answer from the text parts only", () => {
    expect(answerFromMessage(params([{ text: " A-1001 " }]).message)).toBe("A-1001");
    expect(errorOf(() => answerFromMessage(params([{ data: { a: 1 } }]).message)).code).toBe(
      "SY_ERR_A2A_INVALID_PARAMS",
    );
  });
});

describe("SendMessageParams", () => {
  it("wants a user's message whose parts each hold one kind of content", () => {
    expect(
      SendMessageParams.safeParse({ message: { messageId: "m", role: "ROLE_AGENT", parts: [{ text: "x" }] } }).success,
    ).toBe(false);
    expect(SendMessageParams.safeParse({ message: { messageId: "m", role: 1, parts: [{ text: "x" }] } }).success).toBe(
      true,
    );
    expect(
      SendMessageParams.safeParse({ message: { messageId: "m", role: "ROLE_USER", parts: [{ text: "x", data: {} }] } })
        .success,
    ).toBe(false);
    expect(
      SendMessageParams.safeParse({ message: { messageId: "m", role: "ROLE_USER", parts: [{ data: null }] } }).success,
    ).toBe(true);
  });
});
