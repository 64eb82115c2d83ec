// Switchyard as an A2A agent, driven by the official A2A JavaScript SDK client (@a2a-js/sdk, which speaks A2A v1.0
// over JSON-RPC) against the gateway running as its own process, on a real nats-server with authorization on, with
// an in-process coordinator and real agents, each on its own identity.
import { randomUUID } from "node:crypto";
import {
  Role,
  TaskState,
  type Message,
  type Part,
  type SendMessageRequest,
  type StreamResponse,
  type Task,
} from "@a2a-js/sdk";
import { ClientFactory, type Client } from "@a2a-js/sdk/client";
import { keywordsAgent } from "@switchyard/agent-keywords";
import { reportAgent } from "@switchyard/agent-report";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { askerAgent } from "../fixtures/agents/asker.ts";
import { sleepyAgent } from "../fixtures/agents/sleepy.ts";
import { uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import type { ServiceProcess } from "../fixtures/processes.ts";
import { startGateway, startNatsWithGateway, startStack, type A2aStack } from "./a2a-stack.ts";

let server: NatsServerHandle;
let stack: A2aStack;
let gateway: { process: ServiceProcess; url: string };
let client: Client;
let prefix: string;

beforeAll(async () => {
  server = await startNatsWithGateway("acme");
  prefix = uniquePrefix();
  stack = await startStack(server, prefix, [keywordsAgent, reportAgent, sleepyAgent, askerAgent]);
  gateway = await startGateway(server, prefix);
  client = await new ClientFactory().createFromUrl(gateway.url);
}, 120_000);

afterAll(async () => {
  await gateway?.process.stop();
  await stack?.stop();
  await server?.stop();
});

const text = (value: string): Part => ({
  content: { $case: "text", value },
  metadata: undefined,
  filename: "",
  mediaType: "",
});
const data = (value: unknown): Part => ({
  content: { $case: "data", value },
  metadata: undefined,
  filename: "",
  mediaType: "application/json",
});

/** A SendMessage request as the SDK types it: a user message with `parts`, the plan in its metadata. */
function send(
  parts: Part[],
  opts: { plan?: string; taskId?: string; returnImmediately?: boolean } = {},
): SendMessageRequest {
  return {
    tenant: "",
    message: {
      messageId: randomUUID(),
      contextId: "",
      taskId: opts.taskId ?? "",
      role: Role.ROLE_USER,
      parts,
      metadata: opts.plan === undefined ? undefined : { plan: opts.plan },
      extensions: [],
      referenceTaskIds: [],
    },
    configuration:
      opts.returnImmediately === true
        ? { acceptedOutputModes: [], taskPushNotificationConfig: undefined, returnImmediately: true }
        : undefined,
    metadata: undefined,
  };
}

function asTask(result: Task | Message): Task {
  if (!("status" in result)) throw new Error(`expected a task, got a message: ${JSON.stringify(result)}`);
  return result;
}

const textsOf = (parts: Part[] | undefined) =>
  (parts ?? []).flatMap((p) => (p.content?.$case === "text" ? [p.content.value] : []));

async function collect(stream: AsyncIterable<StreamResponse>): Promise<StreamResponse[]> {
  const events: StreamResponse[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** The working updates of a stream, as the lines they say. */
const workingLines = (events: StreamResponse[]) =>
  events.flatMap((e) =>
    e.payload?.$case === "statusUpdate" && e.payload.value.status?.state === TaskState.TASK_STATE_WORKING
      ? textsOf(e.payload.value.status.message?.parts)
      : [],
  );

/** A JSON-RPC call with plain fetch, for what the SDK would never send. */
async function rpc(body: string, headers: Record<string, string> = { "A2A-Version": "1.0" }) {
  const res = await fetch(`${gateway.url}/a2a`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body,
  });
  return {
    status: res.status,
    body: (await res.json()) as { id: unknown; error?: { code: number; message: string; data?: unknown[] } },
  };
}

const TEXT = "Budgets keep agents honest. Agents need budgets, and budgets need limits.";

it("serves an agent card listing the templates and the running specialists as skills", async () => {
  const res = await fetch(`${gateway.url}/.well-known/agent-card.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
  const card = (await res.json()) as { skills: Array<{ id: string; name: string; tags: string[] }> };
  expect(card).toMatchObject({
    name: "Switchyard",
    supportedInterfaces: [{ url: `${gateway.url}/a2a`, protocolBinding: "JSONRPC", protocolVersion: "1.0" }],
    capabilities: { streaming: true, pushNotifications: false, extendedAgentCard: false },
    defaultInputModes: ["text/plain", "application/json"],
    defaultOutputModes: ["application/json"],
  });
  const ids = card.skills.map((s) => s.id);
  expect(ids).toEqual(
    expect.arrayContaining(["demo", "ask", "slow", "agent.keywords", "agent.report", "agent.sleepy", "agent.asker"]),
  );
  expect(card.skills.find((s) => s.id === "demo")).toMatchObject({
    tags: ["template", "keywords", "report"],
  });
  expect(card.skills.find((s) => s.id === "agent.keywords")).toMatchObject({
    name: "keywords",
    tags: expect.arrayContaining(["specialist", "handler"]),
  });
  // The SDK client picked the JSON-RPC interface from the same card.
  expect((await client.getAgentCard()).skills.map((s) => s.id)).toEqual(ids);
});

it("SendMessage runs a goal and answers with the completed task, its output as an artifact; GetTask reads it", async () => {
  const task = asTask(await client.sendMessage(send([text(TEXT)], { plan: "demo" })));
  expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
  expect(task.contextId).toBe(task.id);
  expect(task.artifacts).toHaveLength(1);
  const output = task.artifacts[0]?.parts[0]?.content;
  expect(output).toMatchObject({
    $case: "data",
    value: { headline: "Budgets keep agents honest.", topics: expect.arrayContaining(["budgets", "agents"]) },
  });

  const read = await client.getTask({ tenant: "", id: task.id });
  expect(read.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
  expect(read.artifacts[0]?.parts[0]?.content).toEqual(output);
  expect(textsOf(read.history[0]?.parts)).toEqual([TEXT]);
  expect(read.metadata).toMatchObject({ goalId: task.id, plan: "demo", status: "ok" });
});

it("SendStreamingMessage streams the goal's steps as working updates, then its artifact and the completed state", async () => {
  const events = await collect(client.sendMessageStream(send([text(TEXT)], { plan: "demo" })));
  const first = events[0]?.payload;
  expect(first?.$case).toBe("task");
  const taskId = first?.$case === "task" ? first.value.id : "";
  expect(first?.value).toMatchObject({ id: taskId, status: { state: TaskState.TASK_STATE_SUBMITTED } });

  const lines = workingLines(events);
  expect(lines).toEqual(
    expect.arrayContaining([
      "goal accepted (plan demo)",
      "subtask keywords sent to keywords (attempt 1)",
      "subtask report sent to report (attempt 1)",
    ]),
  );
  // Each update carries its step event, as published on the bus.
  const accepted = events.find((e) => workingLines([e])[0] === "goal accepted (plan demo)");
  expect(accepted?.payload?.value).toMatchObject({
    taskId,
    contextId: taskId,
    metadata: { stepEvent: { type: "goal.accepted", goalId: taskId, tenant: "acme", user: "a2a", plan: "demo" } },
  });

  // The end: the artifact, then the final status — nothing after it.
  const cases = events.map((e) => e.payload?.$case);
  expect(cases.slice(-2)).toEqual(["artifactUpdate", "statusUpdate"]);
  const [artifact, final] = events.slice(-2).map((e) => e.payload?.value);
  expect(artifact).toMatchObject({ taskId, artifact: { parts: [{ content: { $case: "data" } }] } });
  expect(final).toMatchObject({ taskId, status: { state: TaskState.TASK_STATE_COMPLETED } });
  expect(cases.indexOf("artifactUpdate")).toBe(events.length - 2);
});

it("a goal that fails ends its task failed, with the reason as the status message", async () => {
  const task = asTask(await client.sendMessage(send([text("anything")], { plan: "no-such-plan" })));
  expect(task.status?.state).toBe(TaskState.TASK_STATE_FAILED);
  expect(task.artifacts).toEqual([]);
  expect(textsOf(task.status?.message?.parts)).toEqual([
    expect.stringMatching(/^The goal ended failed: .*no-such-plan/),
  ]);
  expect(task.metadata).toMatchObject({ status: "failed" });
});

describe("input required", () => {
  it("a goal that needs an answer asks for input; a follow-up SendMessage on the task answers it", async () => {
    const asked = asTask(await client.sendMessage(send([text("Where is my parcel?")], { plan: "ask" })));
    expect(asked.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    expect(asked.status?.message?.role).toBe(Role.ROLE_AGENT);
    expect(textsOf(asked.status?.message?.parts).join("\n")).toMatch(/identify: Which order is this about\?/);
    expect(asked.status?.message?.parts[1]?.content).toMatchObject({
      $case: "data",
      value: {
        questions: [{ subtaskId: "identify", question: expect.stringMatching(/^Which order is this about\?/) }],
      },
    });

    const done = asTask(await client.sendMessage(send([text("A-1001")], { taskId: asked.id })));
    expect(done.id).toBe(asked.id);
    expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(done.artifacts[0]?.parts[0]?.content).toMatchObject({ $case: "data", value: { echo: "A-1001" } });
    expect(done.history.map((m) => textsOf(m.parts)[0])).toEqual(["Where is my parcel?", "A-1001"]);
    expect(done.history[1]?.metadata).toMatchObject({ answeredBy: "a2a-acme" });

    // The task has ended: another message on it is refused, naming why.
    await expect(client.sendMessage(send([text("A-2002")], { taskId: asked.id }))).rejects.toMatchObject({
      name: "UnsupportedOperationError",
      envelopeCode: -32004,
      message: expect.stringMatching(/terminal state \(TASK_STATE_COMPLETED/),
    });
  });

  it("streams a goal up to its question, and the answer's stream from the answer on", async () => {
    const asking = await collect(client.sendMessageStream(send([text("Which parcel?")], { plan: "ask" })));
    const question = asking.at(-1)?.payload;
    expect(question).toMatchObject({
      $case: "statusUpdate",
      value: { status: { state: TaskState.TASK_STATE_INPUT_REQUIRED } },
    });
    const taskId = question?.$case === "statusUpdate" ? question.value.taskId : "";

    const answering = await collect(client.sendMessageStream(send([text("B-2002")], { taskId })));
    expect(answering[0]?.payload).toMatchObject({ $case: "task", value: { id: taskId } });
    const lines = workingLines(answering);
    expect(lines).toContain("goal resumed by a2a-acme");
    // Steps before the answer were streamed already: not again.
    expect(lines).not.toContain("goal accepted (plan ask)");
    expect(answering.at(-1)?.payload).toMatchObject({
      $case: "statusUpdate",
      value: { taskId, status: { state: TaskState.TASK_STATE_COMPLETED } },
    });
    const artifact = answering.find((e) => e.payload?.$case === "artifactUpdate")?.payload?.value;
    expect(artifact).toMatchObject({
      artifact: { parts: [{ content: { $case: "data", value: { echo: "B-2002" } } }] },
    });
  });
});

it("CancelTask cancels a slow goal: a subscriber sees it end canceled, and it cannot be canceled twice", async () => {
  const started = asTask(
    await client.sendMessage(
      send([text("sleep on it"), data({ sleepMs: 120_000 })], { plan: "slow", returnImmediately: true }),
    ),
  );
  // Returned once the coordinator took the goal: it can be read and cancelled at once.
  expect(started.status?.state).toBe(TaskState.TASK_STATE_WORKING);

  const subscription = client.resubscribeTask({ tenant: "", id: started.id });
  const first = await subscription.next();
  expect(first.value?.payload).toMatchObject({ $case: "task", value: { id: started.id } });

  const canceled = await client.cancelTask({ tenant: "", id: started.id, metadata: { reason: "changed my mind" } });
  expect(canceled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
  expect(textsOf(canceled.status?.message?.parts)).toEqual([expect.stringMatching(/cancelled/)]);

  const rest: StreamResponse[] = [];
  for (let next = await subscription.next(); next.done !== true; next = await subscription.next())
    rest.push(next.value);
  expect(rest.at(-1)?.payload).toMatchObject({
    $case: "statusUpdate",
    value: { status: { state: TaskState.TASK_STATE_CANCELED } },
  });

  expect((await client.getTask({ tenant: "", id: started.id })).status?.state).toBe(TaskState.TASK_STATE_CANCELED);
  await expect(client.cancelTask({ tenant: "", id: started.id, metadata: undefined })).rejects.toMatchObject({
    name: "TaskNotCancelableError",
    envelopeCode: -32002,
  });
});

describe("a gateway behind an authenticating proxy, with a token", () => {
  const TOKEN = "s3cret-token-of-this-test";
  let guarded: { process: ServiceProcess; url: string };
  let guardedClient: Client;
  const as = (user?: string, token = TOKEN) => ({
    serviceParameters: { Authorization: `Bearer ${token}`, ...(user === undefined ? {} : { "X-Auth-User": user }) },
  });

  beforeAll(async () => {
    // A second gateway process on the same stack, with other settings.
    guarded = await startGateway(server, prefix, { SY_A2A_TOKEN: TOKEN, SY_A2A_USER_HEADER: "X-Auth-User" });
    guardedClient = await new ClientFactory().createFromUrl(guarded.url);
  }, 60_000);
  afterAll(async () => {
    await guarded?.process.stop();
  });

  it("declares the bearer scheme and refuses requests without the token or the user header", async () => {
    const card = await guardedClient.getAgentCard();
    // The SDK reads the card's security schemes from their ProtoJSON form.
    expect(card.securitySchemes).toMatchObject({
      bearer: { scheme: { $case: "httpAuthSecurityScheme", value: { scheme: "Bearer" } } },
    });
    const noToken = await fetch(`${guarded.url}/a2a`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "A2A-Version": "1.0", "X-Auth-User": "ana" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "GetTask", params: { id: "x" } }),
    });
    expect(noToken.status).toBe(401);
    expect(await noToken.json()).toMatchObject({
      id: 1,
      error: { code: -32000, message: expect.stringMatching(/Bearer/) },
    });
    await expect(guardedClient.getTask({ tenant: "", id: "x" }, as("ana", "wrong-token-0000000"))).rejects.toThrow(
      /credentials/,
    );
    await expect(guardedClient.getTask({ tenant: "", id: "x" }, as(undefined))).rejects.toThrow(/X-Auth-User/);
  });

  it("attributes goals to the user the proxy names, and shows a task to that user only", async () => {
    const task = asTask(await guardedClient.sendMessage(send([text(TEXT)], { plan: "demo" }), as("ana")));
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const record = await stack.goalRecord(task.id);
    expect(record?.goal).toMatchObject({ tenant: "acme", user: "ana" });
    expect((await guardedClient.getTask({ tenant: "", id: task.id }, as("ana"))).id).toBe(task.id);
    await expect(guardedClient.getTask({ tenant: "", id: task.id }, as("bob"))).rejects.toMatchObject({
      name: "TaskNotFoundError",
    });
    // The open gateway's user ("a2a") does not see it either.
    await expect(client.getTask({ tenant: "", id: task.id })).rejects.toMatchObject({ name: "TaskNotFoundError" });
  });

  it("stops on SIGTERM, closing its connections, and exits 0", async () => {
    expect(await guarded.process.stop()).toBe(0);
    expect(guarded.process.lines.map((l) => l.event)).toContain("process.stopped");
  });
});

describe("errors", () => {
  it("an unknown task is a TaskNotFoundError", async () => {
    await expect(client.getTask({ tenant: "", id: "no-such-task" })).rejects.toMatchObject({
      name: "TaskNotFoundError",
      envelopeCode: -32001,
    });
    await expect(client.cancelTask({ tenant: "", id: randomUUID(), metadata: undefined })).rejects.toMatchObject({
      envelopeCode: -32001,
    });
  });

  it("malformed requests get JSON-RPC errors naming the problem, and the gateway goes on serving", async () => {
    const parse = await rpc("{not json");
    expect(parse.body).toMatchObject({ id: null, error: { code: -32700 } });

    const badEnvelope = await rpc(JSON.stringify({ jsonrpc: "1.0", id: 1, method: "GetTask" }));
    expect(badEnvelope.body).toMatchObject({
      id: 1,
      error: { code: -32600, message: expect.stringMatching(/jsonrpc/) },
    });

    const unknown = await rpc(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "DoSomething", params: {} }));
    expect(unknown.body).toMatchObject({
      id: 2,
      error: { code: -32601, message: expect.stringMatching(/SendMessage, SendStreamingMessage, GetTask/) },
    });
    const legacy = await rpc(JSON.stringify({ jsonrpc: "2.0", id: 3, method: "message/send", params: {} }));
    expect(legacy.body.error).toMatchObject({ code: -32601, message: expect.stringMatching(/call "SendMessage"/) });

    const noParts = { message: { messageId: "m1", role: "ROLE_USER", parts: [] } };
    const invalid = await rpc(JSON.stringify({ jsonrpc: "2.0", id: 4, method: "SendMessage", params: noParts }));
    expect(invalid.body.error).toMatchObject({
      code: -32602,
      message: expect.stringMatching(/message\.parts/),
      data: expect.arrayContaining([
        expect.objectContaining({
          "@type": "type.googleapis.com/google.rpc.BadRequest",
          fieldViolations: [{ field: "message.parts", description: "at least one part is required" }],
        }),
      ]),
    });

    const file = { message: { messageId: "m2", role: "ROLE_USER", parts: [{ url: "https://example.com/a.pdf" }] } };
    const files = await rpc(JSON.stringify({ jsonrpc: "2.0", id: 5, method: "SendMessage", params: file }));
    expect(files.body.error).toMatchObject({ code: -32005 });

    const list = await rpc(JSON.stringify({ jsonrpc: "2.0", id: 6, method: "ListTasks", params: {} }));
    expect(list.body.error).toMatchObject({ code: -32004 });

    const noVersion = await rpc(JSON.stringify({ jsonrpc: "2.0", id: 7, method: "GetTask", params: { id: "x" } }), {});
    expect(noVersion.body.error).toMatchObject({ code: -32009, message: expect.stringMatching(/A2A-Version: 1\.0/) });

    // Still serving.
    await expect(client.getAgentCard()).resolves.toMatchObject({ name: "Switchyard" });
    const ok = await rpc(JSON.stringify({ jsonrpc: "2.0", id: 8, method: "GetTask", params: { id: "unknown" } }));
    expect(ok.body.error).toMatchObject({ code: -32001 });
  });
});
