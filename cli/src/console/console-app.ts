import { timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { ApprovalRecord, GoalRecord, PublishedTemplates, StepEvent } from "@switchyard/contracts";
import { errorMessage, getJson, openBucket, type Bus, type Logger } from "@switchyard/infra";
import { Hono, type Context } from "hono";
import { streamSSE } from "hono/streaming";
import { parseDuration } from "../history/duration.ts";
import { loadAgentsView } from "./agents-view.ts";
import type { ConsoleActions } from "./console-actions.ts";
import { CONSOLE_COST_GROUPINGS, loadCostsView, type ConsoleCostGrouping } from "./costs-view.ts";
import { consoleGoal, matchesFilter, type ConsoleGoal, type GoalFilter } from "./goal-summary.ts";
import { loadGoalView } from "./goal-view.ts";
import { watchKvIndex, type KvIndex } from "./kv-index.ts";
import { submitForms } from "./submit-forms.ts";

/** What the console app needs: the bus (as a person or an operator) and the actions. */
export type ConsoleAppOptions = {
  bus: Bus;
  actions: ConsoleActions;
  /** The secret in the console's URL: it becomes a cookie, and every API call needs it. */
  token: string;
  logger: Logger;
};

/** The running app: its fetch handler, and `stop()` for the watches behind it. */
export type ConsoleApp = { app: Hono; stop: () => void };

const COOKIE = "sy_console";
const LIST_LIMIT = 500;
const UI_DIR = new URL("../../console-ui/", import.meta.url);
const ASSETS: Record<string, string> = {
  "index.html": "text/html; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "style.css": "text/css; charset=utf-8",
};

/**
 * The console's web app: its page and JSON API, kept current by watches of the goals and approvals buckets and a
 * subscription to the step events, pushed to the page over Server-Sent Events.
 */
export async function createConsoleApp(opts: ConsoleAppOptions): Promise<ConsoleApp> {
  const { bus, actions, logger } = opts;
  const { names } = bus;
  const onSkipped = (key: string, reason: string) =>
    logger.warn({ event: "console.entry_skipped", key, reason }, "a KV entry does not parse; left out");
  const goalsKv = await openBucket(bus, names.buckets.goals);
  const approvalsKv = await openBucket(bus, names.buckets.approvals);
  const goals: KvIndex<ConsoleGoal> = await watchKvIndex({
    kv: goalsKv,
    pattern: names.keys.goal("*"),
    schema: GoalRecord,
    idOf: (key) => key.slice("goal.".length),
    toValue: (record) => consoleGoal(record),
    onSkipped,
  });
  const proposals: KvIndex<ApprovalRecord> = await watchKvIndex({
    kv: approvalsKv,
    pattern: names.keys.proposal("*"),
    schema: ApprovalRecord,
    idOf: (key) => key.slice("proposal.".length),
    toValue: (r) => r,
    onSkipped,
  });
  // Step events of every goal, for the pages that show one goal's steps as they happen.
  const stepListeners = new Set<(e: { goalId: string; type: string }) => void>();
  const steps = bus.nc.subscribe(names.subjects.eventsAll, {
    callback: (_err, msg) => {
      let raw: unknown;
      try {
        raw = msg.json();
      } catch {
        return;
      }
      const parsed = StepEvent.safeParse(raw);
      const goalId = parsed.success && "goalId" in parsed.data ? parsed.data.goalId : undefined;
      if (!parsed.success || goalId === undefined) return;
      const e = { goalId, type: parsed.data.type };
      for (const l of stepListeners) l(e);
    },
  });

  const app = new Hono();
  // The secret in the printed URL becomes a same-site cookie: another site can neither read the API nor post to it.
  app.use("*", async (c, next) => {
    const given = c.req.query("token");
    if (given !== undefined && sameSecret(given, opts.token)) {
      c.header("set-cookie", `${COOKIE}=${opts.token}; HttpOnly; SameSite=Strict; Path=/`);
      const url = new URL(c.req.url);
      url.searchParams.delete("token");
      return c.redirect(`${url.pathname}${url.search}${url.hash}`);
    }
    const cookie = cookieOf(c.req.header("cookie"), COOKIE);
    if (cookie === undefined || !sameSecret(cookie, opts.token)) {
      return c.text("Open the console with the URL `switchyard console` printed (it carries the access token).", 401);
    }
    return next();
  });

  app.get("/api/session", (c) =>
    c.json({ person: actions.person ?? null, canSubmit: actions.canSubmit, prefix: names.prefix }),
  );

  app.get("/api/goals", (c) => {
    const filter = filterOf(c);
    if (typeof filter === "string") return c.json({ error: filter }, 400);
    const all = [...goals.values()];
    const counts: Record<string, number> = {};
    for (const g of all) counts[g.status] = (counts[g.status] ?? 0) + 1;
    const matching = all
      .filter((g) => matchesFilter(g, filter))
      .sort((a, b) => b.acceptedAt.localeCompare(a.acceptedAt));
    const listed = matching.slice(0, LIST_LIMIT).map(strip);
    return c.json({ total: all.length, matching: matching.length, counts, goals: listed });
  });

  app.get("/api/goals/:id", async (c) => {
    const record = await getJson(goalsKv, names.keys.goal(c.req.param("id")), GoalRecord).catch(() => undefined);
    if (record === undefined) return c.json({ error: `no goal "${c.req.param("id")}"` }, 404);
    return c.json(await loadGoalView(bus, record.value, (id) => proposals.get(id)));
  });

  app.post("/api/goals", async (c) => {
    const body = await jsonBody(c);
    if (body === undefined || typeof body["text"] !== "string")
      return c.json({ error: "expected { text, plan?, input? }" }, 400);
    return outcome(
      c,
      await actions.submit({
        text: body["text"],
        plan: typeof body["plan"] === "string" ? body["plan"] : undefined,
        input: body["input"],
        user: typeof body["user"] === "string" ? body["user"] : undefined,
      }),
    );
  });

  app.post("/api/goals/:id/cancel", async (c) => {
    const body = (await jsonBody(c)) ?? {};
    return outcome(
      c,
      await actions.cancel(c.req.param("id"), typeof body["reason"] === "string" ? body["reason"] : ""),
    );
  });

  app.post("/api/goals/:id/answer", async (c) => {
    const body = await jsonBody(c);
    if (body === undefined || typeof body["text"] !== "string")
      return c.json({ error: "expected { text, subtaskId? }" }, 400);
    const subtaskId = typeof body["subtaskId"] === "string" ? body["subtaskId"] : undefined;
    return outcome(c, await actions.answer(c.req.param("id"), body["text"], subtaskId));
  });

  app.post("/api/goals/:id/review", async (c) => {
    const body = await jsonBody(c);
    const decision = body?.["decision"];
    if (
      typeof body?.["subtaskId"] !== "string" ||
      (decision !== "accept" && decision !== "edit" && decision !== "reject")
    )
      return c.json({ error: 'expected { subtaskId, decision: "accept" | "edit" | "reject", output?, reason? }' }, 400);
    const reason = typeof body["reason"] === "string" ? body["reason"] : undefined;
    return outcome(c, await actions.review(c.req.param("id"), body["subtaskId"], decision, body["output"], reason));
  });

  app.post("/api/proposals/:id/decision", async (c) => {
    const body = await jsonBody(c);
    const decision = body?.["decision"];
    if (decision !== "approved" && decision !== "rejected")
      return c.json({ error: 'expected { decision: "approved" | "rejected", reason? }' }, 400);
    const reason = typeof body?.["reason"] === "string" ? body["reason"] : undefined;
    return outcome(c, await actions.decide(c.req.param("id"), decision, reason));
  });

  app.get("/api/review", (c) => {
    const approvals = [...proposals.values()]
      .filter((r) => r.proposal.status === "pending")
      .map((r) => ({ ...r, goal: goals.get(r.proposal.goalId) }))
      .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
    const waiting = [...goals.values()]
      .filter((g) => g.paused)
      .sort((a, b) => a.acceptedAt.localeCompare(b.acceptedAt));
    const questions = waiting.filter((g) => g.questions.length > 0);
    const held = waiting.filter((g) => g.held.length > 0);
    return c.json({ approvals, questions, held });
  });

  app.get("/api/agents", async (c) => c.json(await loadAgentsView(bus, goals.values())));

  app.get("/api/costs", async (c) => {
    const by = c.req.query("by") ?? "agent";
    if (!CONSOLE_COST_GROUPINGS.some((g) => g === by))
      return c.json({ error: `by must be one of ${CONSOLE_COST_GROUPINGS.join(", ")}` }, 400);
    const windowMs = parseDuration(c.req.query("since") ?? "24h");
    if (windowMs === undefined) return c.json({ error: "since must be a duration like 30m, 24h or 7d" }, 400);
    return c.json(await loadCostsView(bus, by as ConsoleCostGrouping, windowMs));
  });

  app.get("/api/forms", async (c) => {
    const [cards, published] = await Promise.all([
      loadAgentsView(bus, []).then((agents) => agents.map((a) => a.card)),
      getJson(goalsKv, names.keys.templates, PublishedTemplates).catch(() => undefined),
    ]);
    return c.json(submitForms(published?.value.templates ?? {}, cards));
  });

  app.get("/api/stream", (c) =>
    streamSSE(c, async (stream) => {
      const send = (event: string, data: unknown) =>
        void stream.writeSSE({ event, data: JSON.stringify(data) }).catch(() => undefined);
      const offGoals = goals.onChange((id, g) =>
        send("goal", g === undefined ? { goalId: id, deleted: true } : strip(g)),
      );
      const offProposals = proposals.onChange((id, r) => send("proposal", r ?? { id, deleted: true }));
      const onStep = (e: { goalId: string; type: string }) => send("step", e);
      stepListeners.add(onStep);
      send("hello", { at: new Date().toISOString() });
      const ping = setInterval(() => send("ping", {}), 15_000);
      await new Promise<void>((resolve) => stream.onAbort(resolve));
      clearInterval(ping);
      offGoals();
      offProposals();
      stepListeners.delete(onStep);
    }),
  );

  app.get("/", (c) => asset(c, "index.html"));
  app.get("/:file{(app\\.js|style\\.css)}", (c) => asset(c, c.req.param("file")));

  app.onError((err, c) => {
    logger.error({ event: "console.error", path: c.req.path, err: errorMessage(err) }, "console request failed");
    return c.json({ error: errorMessage(err) }, 500);
  });

  return {
    app,
    stop() {
      goals.stop();
      proposals.stop();
      steps.unsubscribe();
    },
  };
}

function strip(g: ConsoleGoal): Omit<ConsoleGoal, "subtaskStates"> {
  const { subtaskStates: _states, ...rest } = g;
  return rest;
}

function filterOf(c: Context): GoalFilter | string {
  const q = (k: string) => c.req.query(k) || undefined;
  const since = q("since");
  const sinceMs = since === undefined ? undefined : parseDuration(since);
  if (since !== undefined && sinceMs === undefined) return "since must be a duration like 30m, 24h or 7d";
  const status = q("status");
  return {
    statuses: status === undefined ? undefined : [status],
    plan: q("plan"),
    tenant: q("tenant"),
    user: q("user"),
    q: q("q"),
    since: sinceMs === undefined ? undefined : new Date(Date.now() - sinceMs),
  };
}

async function jsonBody(c: Context): Promise<Record<string, unknown> | undefined> {
  // JSON only: a form post from another site (no preflight) is not JSON, and is refused here too.
  if (!(c.req.header("content-type") ?? "").startsWith("application/json")) return undefined;
  const body: unknown = await c.req.json().catch(() => undefined);
  return typeof body === "object" && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}

function outcome(c: Context, o: Awaited<ReturnType<ConsoleActions["decide"]>>) {
  return o.ok ? c.json({ ok: true, data: o.data ?? null }) : c.json({ ok: false, error: o.error }, o.status);
}

async function asset(c: Context, file: string) {
  const type = ASSETS[file];
  if (type === undefined) return c.notFound();
  const body = await readFile(new URL(file, UI_DIR), "utf8");
  return c.body(body, 200, { "content-type": type, "cache-control": "no-store" });
}

function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return undefined;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
