// Tools from real MCP servers (the official SDK's McpServer, over stdio and streamable HTTP) in an LLM agent on a real
// nats-server: kinds from annotations, arguments checked against the server's JSON Schema before any call, a write
// run once across a retry, a destructive call proposed instead of run, the tool list pinned at start, a server dying
// mid-call failing the call instead of hanging the run, and the MCP server closed with the service on SIGTERM.
import { randomUUID } from "node:crypto";
import { resolve } from "node:path";
import { connectMcpTools, effectKey, MCP_IDEMPOTENCY_META_KEY } from "@switchyard/agent-kit";
import { AgentCard } from "@switchyard/contracts";
import { createLogger } from "@switchyard/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { callsOf, readCallLog } from "../fixtures/mcp/call-log.ts";
import { startMcpAgentStack, type McpAgentStack } from "../fixtures/mcp/mcp-agent-stack.ts";
import {
  isRunning,
  lastServerPid,
  newCallLog,
  rowsServerOverStdio,
  startHttpRowsServer,
  type HttpRowsServer,
} from "../fixtures/mcp/mcp-servers.ts";
import { HANG_TABLE, modelRequests } from "../fixtures/mcp/rows-agent.ts";
import { connectTestBus, startTestNats, testEnv, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import { startProcess } from "../fixtures/processes.ts";

const quiet = createLogger({ service: "test", level: "silent" });
const TOKEN = "test-token";
let nats: NatsServerHandle;

beforeAll(async () => {
  nats = await startTestNats();
});
afterAll(async () => {
  await nats?.stop();
});

const uniqueTable = () => `t_${randomUUID().slice(0, 8)}`;
const callsOnTable = (callLog: string, tool: string, table: string) =>
  callsOf(callLog, tool).filter((c) => (c.args as { table?: unknown }).table === table);
const toolCalls = (stack: McpAgentStack, goalId: string, tool: string) =>
  stack.log.events.filter((e) => e.type === "tool.call" && e.goalId === goalId && e.tool === tool);

describe.each(["stdio", "http"] as const)("MCP tools over %s", (transport) => {
  const callLog = newCallLog();
  let http: HttpRowsServer | undefined;
  let stack: McpAgentStack;
  const serverPid = () => (transport === "http" ? http?.pid : lastServerPid(callLog)) ?? 0;

  beforeAll(async () => {
    if (transport === "http") http = await startHttpRowsServer(callLog, TOKEN);
    stack = await startMcpAgentStack(
      nats,
      http === undefined
        ? { name: "rows", stdio: rowsServerOverStdio(callLog) }
        : { name: "rows", http: { url: http.url, headers: { Authorization: `Bearer ${TOKEN}` } } },
    );
  });
  afterAll(async () => {
    await stack?.stop();
    await http?.kill9();
  });

  it("lists the server's tools, each with its kind from the annotations and the server's own schema", async () => {
    expect(stack.toolset.tools.map((t) => ({ name: t.name, kind: t.kind, description: t.description }))).toEqual([
      { name: "count_rows", kind: "read", description: "Counts the rows of a table." },
      { name: "add_row", kind: "write", description: "Adds a row to a table (creating the table if needed)." },
      { name: "drop_table", kind: "destructive", description: "Deletes a table and all its rows." },
    ]);
    // The model is shown the JSON Schema the server published, field descriptions and all.
    const countRows = stack.toolset.tools[0]?.input ?? z.never();
    expect(z.toJSONSchema(countRows, { io: "input", unrepresentable: "any" })).toMatchObject({
      type: "object",
      properties: { table: { type: "string", minLength: 1, description: "The table's name" } },
      required: ["table"],
    });
    if (http !== undefined) {
      // The headers option is what let the agent in: without the token the server refuses the connection.
      await expect(connectMcpTools({ http: { url: http.url }, logger: quiet })).rejects.toThrow(
        /could not connect: .*missing or wrong bearer token/,
      );
    }
  });

  it("a goal writes and reads through the server; the write runs once although the subtask is retried", async () => {
    const table = uniqueTable();
    const goalId = await stack.submit(table, "write-read");
    const result = await stack.result(goalId);
    expect(result.status).toBe("ok");
    // The first attempt failed after its write and read (a model error); the retry made the same write again.
    expect(result.subtasks[0]?.attempt).toBe(2);
    expect(toolCalls(stack, goalId, "add_row")).toMatchObject([{ outcome: "ok" }, { outcome: "replayed" }]);
    const writes = callsOnTable(callLog, "add_row", table);
    expect(writes).toHaveLength(1);
    const args = { table, value: `row of ${table}` };
    expect(writes[0]?.meta?.[MCP_IDEMPOTENCY_META_KEY]).toBe(effectKey("counter", goalId, "rows", "add_row", args));
    // The read ran in both attempts and found one row: the server's own state says the write happened once.
    expect(callsOnTable(callLog, "count_rows", table)).toHaveLength(2);
    expect(result.output).toEqual({
      summary: expect.stringContaining(`"structuredContent":{"table":"${table}","count":1}`) as unknown,
    });
  });

  it("a call that breaks the tool's JSON Schema is refused, naming the field, and never reaches the server", async () => {
    const table = uniqueTable();
    const goalId = await stack.submit(table, "bad-args");
    const result = await stack.result(goalId);
    expect(toolCalls(stack, goalId, "count_rows")).toMatchObject([{ outcome: "invalid" }]);
    expect(result.output).toEqual({ summary: "Invalid arguments for count_rows: table: is required" });
    expect(readCallLog(callLog).some((l) => l.event === "call" && JSON.stringify(l.args).includes(table))).toBe(false);
  });

  it("a result with isError reaches the model as a tool error", async () => {
    const table = uniqueTable();
    const goalId = await stack.submit(table, "read");
    const result = await stack.result(goalId);
    expect(toolCalls(stack, goalId, "count_rows")).toMatchObject([{ outcome: "error", kind: "read" }]);
    expect(result.output).toEqual({ summary: `count_rows failed: no table named ${table}` });
  });

  it("a destructive tool becomes a proposal for a person and is not called", async () => {
    const table = uniqueTable();
    const goalId = await stack.submit(table, "destructive");
    const result = await stack.result(goalId);
    expect(result.status).toBe("needs_approval");
    const proposed = await stack.log.waitForEvent((e) => e.type === "proposal.created" && e.goalId === goalId);
    expect(proposed).toMatchObject({ proposal: { tool: "drop_table", kind: "destructive", args: { table } } });
    expect(callsOf(callLog, "drop_table")).toHaveLength(0);
  });

  it("pins the tool list: a list the server changes later is logged, and runs still see the pinned one", async () => {
    const pinned = stack.toolset.tools;
    process.kill(serverPid(), "SIGUSR1");
    await expect
      .poll(() => stack.mcpLog.find((l) => l["event"] === "mcp.tools.changed"), { timeout: 15_000 })
      .toMatchObject({ level: 40, added: ["late_tool"], removed: [], changed: ["count_rows"] });
    expect(stack.toolset.tools).toBe(pinned);

    const table = uniqueTable();
    const goalId = await stack.submit(table, "bad-args");
    expect((await stack.result(goalId)).status).toBe("ok");
    const seen = modelRequests.find((r) => r.messages[0]?.role === "user" && r.messages[0].content.includes(table));
    expect(seen?.tools.map((t) => t.name)).toEqual(["count_rows", "add_row", "drop_table", "final_answer"]);
    expect(seen?.tools[0]?.description).toBe("Counts the rows of a table.");
  });

  it("a server that dies in the middle of a call fails that call, and the run goes on", async () => {
    const goalId = await stack.submit(uniqueTable(), "hang");
    await expect.poll(() => callsOnTable(callLog, "count_rows", HANG_TABLE).length, { timeout: 30_000 }).toBe(1);
    if (http !== undefined) await http.kill9();
    else process.kill(serverPid(), "SIGKILL");
    const result = await stack.result(goalId);
    expect(toolCalls(stack, goalId, "count_rows")).toMatchObject([{ outcome: "error", kind: "read" }]);
    // Failed because the server went away — not at a timeout, which would say "timed out" or "aborted".
    const why = http === undefined ? "the connection closed (the server went away)" : "unreachable";
    expect(result.output).toEqual({
      summary: expect.stringContaining(
        `count_rows failed: MCP server "rows" could not run count_rows: ${why}`,
      ) as unknown,
    });
    if (http === undefined) {
      // A stdio server is started again for the next call (with the same pinned list).
      const again = await stack.result(await stack.submit("orders", "read"));
      expect(again.output).toEqual({ summary: expect.stringContaining("orders has 2 rows") as unknown });
      expect(lastServerPid(callLog)).not.toBe(callsOnTable(callLog, "count_rows", HANG_TABLE)[0]?.pid);
    }
  });
});

describe("MCP tools options", () => {
  const callLog = newCallLog();
  const stdio = rowsServerOverStdio(callLog);

  it("kinds override the annotations; include, exclude and a prefix select and rename the tools", async () => {
    const chosen = await connectMcpTools({
      stdio,
      kinds: { add_row: "destructive", drop_table: "write" },
      exclude: ["count_rows"],
      prefix: "db_",
      entities: { drop_table: ["table"] },
      logger: quiet,
    });
    const pid = lastServerPid(callLog) ?? 0;
    expect(chosen.tools.map((t) => [t.name, t.kind, t.entities])).toEqual([
      ["db_add_row", "destructive", undefined],
      ["db_drop_table", "write", ["table"]],
    ]);
    await chosen.close();
    // Closing the toolset stops the server process it started.
    expect(isRunning(pid)).toBe(false);

    const only = await connectMcpTools({ stdio, include: ["count_rows"], logger: quiet });
    expect(only.tools.map((t) => t.name)).toEqual(["count_rows"]);
    await only.close();
  });

  it("bad options are refused at start-up with the field named", async () => {
    await expect(connectMcpTools({ stdio, kinds: { delete_row: "destructive" }, logger: quiet })).rejects.toThrow(
      'MCP server "rows" lists no tool named "delete_row" (in kinds); it lists: count_rows, add_row, drop_table',
    );
    await expect(connectMcpTools({ stdio, entities: { count_rows: ["table"] }, logger: quiet })).rejects.toThrow(
      'MCP tool "count_rows" of server "rows" cannot be used: tool "count_rows": only write tools take a confirm policy or entities',
    );
    await expect(connectMcpTools({ stdio, include: ["add_row"], exclude: ["count_rows"] })).rejects.toThrow(
      "give include or exclude, not both",
    );
    await expect(connectMcpTools({ stdio, kinds: { add_row: "delete" as "write" } })).rejects.toThrow(/kinds\.add_row/);
    await expect(connectMcpTools({ stdio, http: { url: "http://127.0.0.1:1/mcp" } })).rejects.toThrow(
      "give exactly one of stdio or http",
    );
    await expect(connectMcpTools({ stdio: { command: resolve("no-such-mcp-server") }, logger: quiet })).rejects.toThrow(
      /could not connect: .*ENOENT/,
    );
  });
});

it("runAgentWithMcp: the agent card lists the MCP tools, and SIGTERM stops the MCP server with the service", async () => {
  const prefix = uniquePrefix();
  const { bus } = await connectTestBus(nats, prefix); // the streams and buckets the agent binds to
  const callLog = newCallLog();
  const entry = resolve(import.meta.dirname, "../fixtures/mcp/rows-agent-main.ts");
  const agent = startProcess("rows-agent", entry, testEnv(nats, prefix, { MCP_FIXTURE_LOG: callLog }, "agent-counter"));
  try {
    await agent.ready();
    const pid = lastServerPid(callLog) ?? 0;
    expect(isRunning(pid)).toBe(true);
    const reply = await bus.nc.request(bus.names.subjects.agentCard("counter"), "", { timeout: 10_000 });
    expect(AgentCard.parse(reply.json()).tools.map((t) => [t.name, t.kind])).toEqual([
      ["count_rows", "read"],
      ["add_row", "destructive"],
      ["drop_table", "destructive"],
    ]);
    expect(await agent.stop()).toBe(0);
    expect(isRunning(pid)).toBe(false);
  } finally {
    await agent.stop();
    await bus.close();
  }
});
