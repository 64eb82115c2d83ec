// The Switchyard console page: hash routes over the console's JSON API, kept live by its Server-Sent Events.
// Everything from the bus (goal text, tool arguments, model output) is put on the page as text, never as HTML.

const view = document.getElementById("view");
let session = { person: null, canSubmit: false };
let current = { route: "", refresh: () => {} };

/** Builds an element: h("td", { class: "num" }, "12", childNode, …). Strings become text nodes. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElementNS(
    tag === "svg" || attrs.svg ? "http://www.w3.org/2000/svg" : "http://www.w3.org/1999/xhtml",
    tag,
  );
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "svg" || v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat())
    if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}
const s = (tag, attrs = {}, ...children) => h(tag, { ...attrs, svg: true }, ...children);

async function api(path, init) {
  const res = await fetch(path, init && { ...init, headers: { "content-type": "application/json" } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error ?? `${res.status} ${res.statusText}`);
  return body;
}
const post = (path, body) => api(path, { method: "POST", body: JSON.stringify(body ?? {}) });

const usd = (n) => (n === undefined ? "" : `$${n < 0.01 && n > 0 ? n.toFixed(4) : n.toFixed(2)}`);
const ms = (n) => (n === undefined ? "" : n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(1)} s`);
const when = (iso) => (iso ? new Date(iso).toLocaleString() : "");
const state = (st) => h("span", { class: `state ${st}`, "data-state": st }, st.replace("_", " "));
const json = (v) => h("pre", {}, JSON.stringify(v, null, 2));

function debounce(fn, wait) {
  let t;
  return (...a) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...a), wait);
  };
}

/** A button that runs an action, shows its error next to it, and refreshes the view after. */
function actionButton(label, run, cls) {
  const err = h("span", { class: "error" });
  const btn = h(
    "button",
    {
      class: cls,
      onclick: async () => {
        btn.disabled = true;
        err.textContent = "";
        try {
          await run();
          current.refresh();
        } catch (e) {
          err.textContent = e.message;
        } finally {
          btn.disabled = false;
        }
      },
    },
    label,
  );
  return h("span", {}, btn, " ", err);
}

// ------------------------------------------------------------------------------------------------------------
// Goals
// ------------------------------------------------------------------------------------------------------------

async function goalsPage(params) {
  const filters = ["status", "plan", "tenant", "user", "since", "q"];
  const values = Object.fromEntries(filters.map((f) => [f, params.get(f) ?? ""]));
  const query = new URLSearchParams(Object.entries(values).filter(([, v]) => v !== "")).toString();
  const data = await api(`/api/goals${query ? `?${query}` : ""}`);
  const setFilter = (f, v) => {
    const next = new URLSearchParams(query);
    if (v) next.set(f, v);
    else next.delete(f);
    location.hash = `#/goals${next.toString() ? `?${next}` : ""}`;
  };
  const input = (f, placeholder) =>
    h("input", {
      name: f,
      placeholder,
      value: values[f],
      "data-filter": f,
      onchange: (e) => setFilter(f, e.target.value.trim()),
    });
  const states = [
    "",
    "running",
    "paused",
    "ok",
    "failed",
    "cancelled",
    "needs_input",
    "needs_approval",
    "needs_review",
    "limit_time",
    "limit_cost",
  ];
  return h(
    "section",
    {},
    h("h1", {}, "Goals"),
    h(
      "div",
      { class: "chips", "data-testid": "counts" },
      Object.entries(data.counts).map(([st, n]) =>
        h("span", { class: "chip", "data-count": st, onclick: () => setFilter("status", st) }, state(st), ` ${n}`),
      ),
      h("span", { class: "muted" }, `${data.matching} of ${data.total} shown`),
    ),
    h(
      "div",
      { class: "filters" },
      h(
        "select",
        { name: "status", "data-filter": "status", onchange: (e) => setFilter("status", e.target.value) },
        states.map((st) => h("option", { value: st, selected: st === values.status }, st || "any status")),
      ),
      input("plan", "plan"),
      input("tenant", "tenant"),
      input("user", "user"),
      input("since", "since (24h, 7d)"),
      input("q", "search id or text"),
      query ? h("button", { class: "secondary", onclick: () => (location.hash = "#/goals") }, "clear") : null,
    ),
    h(
      "table",
      { "data-testid": "goals" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["goal", "status", "plan", "tenant", "user", "text", "cost", "accepted"].map((t) => h("th", {}, t)),
        ),
      ),
      h(
        "tbody",
        {},
        data.goals.map((g) =>
          h(
            "tr",
            { "data-goal": g.goalId },
            h("td", {}, h("a", { href: `#/goal/${g.goalId}` }, g.goalId.slice(0, 8))),
            h("td", {}, state(g.status)),
            h("td", {}, g.plan),
            h("td", {}, g.tenant),
            h("td", {}, g.user),
            h("td", {}, g.text),
            h("td", { class: "num" }, usd(g.costUsd)),
            h("td", {}, when(g.acceptedAt)),
          ),
        ),
      ),
    ),
  );
}

// ------------------------------------------------------------------------------------------------------------
// One goal: its DAG live, and under each subtask its model and tool calls
// ------------------------------------------------------------------------------------------------------------

function dagSvg(nodes) {
  const depth = new Map();
  const level = (n) => {
    if (depth.has(n.id)) return depth.get(n.id);
    depth.set(n.id, 0);
    const d =
      n.dependsOn.length === 0
        ? 0
        : 1 + Math.max(...n.dependsOn.map((id) => level(nodes.find((m) => m.id === id) ?? { id, dependsOn: [] })));
    depth.set(n.id, d);
    return d;
  };
  nodes.forEach(level);
  const columns = [];
  for (const n of nodes) (columns[depth.get(n.id)] ??= []).push(n);
  const W = 170,
    H = 48,
    GX = 60,
    GY = 18;
  const pos = new Map();
  columns.forEach((col, x) => col.forEach((n, y) => pos.set(n.id, { x: 10 + x * (W + GX), y: 10 + y * (H + GY) })));
  const width = 20 + columns.length * (W + GX);
  const height = 20 + Math.max(1, ...columns.map((c) => c.length)) * (H + GY);
  const edges = nodes.flatMap((n) =>
    n.dependsOn
      .filter((d) => pos.has(d))
      .map((d) => {
        const a = pos.get(d),
          b = pos.get(n.id);
        return s("path", {
          d: `M${a.x + W},${a.y + H / 2} C${a.x + W + GX / 2},${a.y + H / 2} ${b.x - GX / 2},${b.y + H / 2} ${b.x},${b.y + H / 2}`,
          fill: "none",
          stroke: "#aaa",
        });
      }),
  );
  const colour = {
    ok: "#1f8a4c",
    running: "#2563eb",
    dispatched: "#2563eb",
    pending: "#b7b7c2",
    skipped: "#8a8a96",
    needs_input: "#b7791f",
    needs_approval: "#b7791f",
    needs_review: "#b7791f",
  };
  const boxes = nodes.map((n) => {
    const p = pos.get(n.id);
    const st = n.state === "finished" ? n.status : n.state;
    return s(
      "g",
      { "data-node": n.id, "data-node-state": st, transform: `translate(${p.x},${p.y})` },
      s("rect", { width: W, height: H, rx: 6, fill: "#fff", stroke: colour[st] ?? "#c53030", "stroke-width": 2 }),
      s("text", { x: 10, y: 19, "font-weight": 600 }, n.id),
      s("text", { x: 10, y: 37, fill: "#6b6b76" }, `${n.agent} · ${st.replace("_", " ")}`),
    );
  });
  return s("svg", { class: "dag", width, height, viewBox: `0 0 ${width} ${height}` }, edges, boxes);
}

function traceList(nodes) {
  if (!nodes || nodes.length === 0) return null;
  return h(
    "ul",
    { class: "tree" },
    nodes.map((n) =>
      h(
        "li",
        { "data-step": n.type },
        h("strong", {}, n.label),
        n.status ? [" ", state(n.status)] : null,
        h(
          "span",
          { class: "muted" },
          [
            n.tokens !== undefined ? ` ${n.tokens} tok` : "",
            n.costUsd !== undefined ? ` ${usd(n.costUsd)}` : "",
            n.ms !== undefined ? ` ${ms(n.ms)}` : "",
            n.failureKind ? ` ${n.failureKind}` : "",
          ].join(""),
        ),
        n.detail ? h("div", { class: "muted" }, n.detail) : null,
        traceList(n.children),
      ),
    ),
  );
}

function checkpoint(a) {
  if (!a) return null;
  const line = (label, items) => (items.length ? h("span", {}, h("strong", {}, `${label}: `), items.join("; ")) : null);
  return h(
    "div",
    { class: "checkpoint", "data-testid": "checkpoint" },
    line("established", a.established),
    line("assumed", a.assumed),
    line("unknown", a.unknown),
  );
}

function proposalCard(r) {
  const p = r.proposal;
  const reason = h("input", { placeholder: "reason (required to reject)", "data-reason": p.id });
  return h(
    "div",
    { class: "card", "data-proposal": p.id },
    h(
      "div",
      {},
      h("strong", {}, `${p.tool} (${p.kind})`),
      " ",
      state(p.status),
      " ",
      h("span", { class: "muted" }, `by agent ${p.agent}`),
    ),
    h("div", {}, "why: ", p.reason),
    r.reviewReason ? h("div", { class: "muted" }, `needs a person: ${r.reviewReason}`) : null,
    json(p.args),
    p.decidedBy
      ? h("div", { class: "muted" }, `decided by ${p.decidedBy}${r.decisionReason ? `: ${r.decisionReason}` : ""}`)
      : null,
    p.status === "pending" && session.person
      ? h(
          "div",
          { class: "actions" },
          actionButton("Approve", () => post(`/api/proposals/${p.id}/decision`, { decision: "approved" })),
          reason,
          actionButton(
            "Reject",
            () => post(`/api/proposals/${p.id}/decision`, { decision: "rejected", reason: reason.value }),
            "danger",
          ),
          h("span", { class: "muted" }, `review by ${when(r.reviewBy)}`),
        )
      : null,
  );
}

function questionForm(goalId, q) {
  const text = h("textarea", { rows: 2, cols: 60, "data-answer": q.subtaskId, placeholder: "your answer" });
  return h(
    "div",
    { class: "card", "data-question": goalId },
    h("div", {}, h("strong", {}, `${q.subtaskId} asks: `), q.question),
    session.person
      ? h(
          "div",
          { class: "actions" },
          text,
          actionButton("Send answer", () =>
            post(`/api/goals/${goalId}/answer`, { text: text.value, subtaskId: q.subtaskId }),
          ),
        )
      : null,
  );
}

/** An output the plan holds for a person: accept it, correct it (the JSON below), or reject it with a reason. */
function heldCard(goalId, held) {
  const output = h(
    "textarea",
    { rows: 6, cols: 70, "data-held-output": held.subtaskId },
    JSON.stringify(held.output, null, 2),
  );
  const reason = h("input", { placeholder: "reason (required to reject)", "data-held-reason": held.subtaskId });
  const review = (decision) => async () => {
    const body = { subtaskId: held.subtaskId, decision };
    if (decision === "edit") body.output = JSON.parse(output.value);
    if (decision === "reject") body.reason = reason.value;
    await post(`/api/goals/${goalId}/review`, body);
  };
  return h(
    "div",
    { class: "card", "data-held": `${goalId}/${held.subtaskId}` },
    h("div", {}, h("strong", {}, `${held.subtaskId} (${held.agent})`), " finished; its output waits for a review"),
    held.assumed.length ? h("div", {}, h("strong", {}, "assumed: "), held.assumed.join("; ")) : null,
    output,
    session.person
      ? h(
          "div",
          { class: "actions" },
          actionButton("Accept", review("accept")),
          actionButton("Save edit", review("edit"), "secondary"),
          reason,
          actionButton("Reject", review("reject"), "danger"),
        )
      : null,
  );
}

async function goalPage(id) {
  const g = await api(`/api/goals/${encodeURIComponent(id)}`);
  const { summary } = g;
  const traceOf = (nodeId) => g.trace?.children.find((c) => c.type === "subtask" && c.label.split(" ")[0] === nodeId);
  const cancel = h("input", { placeholder: "reason", "data-cancel-reason": "" });
  return h(
    "section",
    { "data-goal-view": summary.goalId },
    h("h1", {}, "Goal ", h("code", {}, summary.goalId), " ", state(summary.status)),
    h(
      "div",
      { class: "muted" },
      `${summary.plan} · tenant ${summary.tenant} · user ${summary.user} · accepted ${when(summary.acceptedAt)}${summary.finishedAt ? ` · finished ${when(summary.finishedAt)}` : ""} · ${usd(summary.costUsd)} · ${summary.tokens} tokens`,
    ),
    h("p", {}, summary.text),
    g.input !== undefined ? json(g.input) : null,
    summary.status === "running" || summary.paused
      ? session.person
        ? h(
            "div",
            { class: "actions" },
            cancel,
            actionButton(
              "Cancel goal",
              () => post(`/api/goals/${summary.goalId}/cancel`, { reason: cancel.value }),
              "danger",
            ),
          )
        : null
      : null,
    summary.questions.length ? h("h2", {}, "Questions") : null,
    summary.questions.map((q) => questionForm(summary.goalId, q)),
    summary.held.length ? h("h2", {}, "Outputs held for review") : null,
    summary.held.map((held) => heldCard(summary.goalId, held)),
    g.proposals.length ? h("h2", {}, "Proposals") : null,
    g.proposals.map(proposalCard),
    h("h2", {}, "Plan"),
    dagSvg(g.dag),
    g.result?.failure ? h("div", { class: "error" }, `${g.result.failure.kind}: ${g.result.failure.message}`) : null,
    g.result?.output !== undefined ? [h("h2", {}, "Output"), json(g.result.output)] : null,
    h("h2", {}, "Subtasks"),
    g.dag.map((n) =>
      h(
        "div",
        { class: "card", "data-subtask": n.id },
        h(
          "div",
          {},
          h("strong", {}, n.id),
          " → ",
          n.agent,
          " ",
          state(n.state === "finished" ? n.status : n.state),
          n.attempt ? h("span", { class: "muted" }, ` attempt ${n.attempt}`) : null,
        ),
        n.usage
          ? h(
              "div",
              { class: "muted" },
              `${n.usage.steps} steps · ${n.usage.inputTokens + n.usage.outputTokens} tokens · ${usd(n.usage.costUsd)} · ${ms(n.usage.ms)}`,
            )
          : null,
        n.failure ? h("div", { class: "error" }, `${n.failure.kind}: ${n.failure.message}`) : null,
        n.skippedBecause ? h("div", { class: "muted" }, `skipped: ${n.skippedBecause}`) : null,
        checkpoint(n.assessment),
        n.proposals.length ? h("div", { class: "muted" }, `proposals: ${n.proposals.join(", ")}`) : null,
        n.output !== undefined ? json(n.output) : null,
        traceList(traceOf(n.id)?.children),
      ),
    ),
  );
}

// ------------------------------------------------------------------------------------------------------------
// Review inbox, agents, costs, submit
// ------------------------------------------------------------------------------------------------------------

async function reviewPage() {
  const r = await api("/api/review");
  return h(
    "section",
    {},
    h("h1", {}, "Review"),
    session.person
      ? null
      : h("p", { class: "error" }, "This console runs without a person's identity: it can show, not decide."),
    h("h2", {}, `Approvals (${r.approvals.length})`),
    r.approvals.length === 0 ? h("p", { class: "muted" }, "Nothing waits for an approval.") : null,
    r.approvals.map((a) =>
      h(
        "div",
        {},
        a.goal
          ? h(
              "div",
              { class: "muted" },
              h("a", { href: `#/goal/${a.goal.goalId}` }, a.goal.goalId.slice(0, 8)),
              ` ${a.goal.text}`,
            )
          : null,
        proposalCard(a),
      ),
    ),
    h("h2", {}, `Questions (${r.questions.reduce((n, g) => n + g.questions.length, 0)})`),
    r.questions.length === 0 ? h("p", { class: "muted" }, "No goal waits for an answer.") : null,
    r.questions.map((g) =>
      h(
        "div",
        {},
        h("div", { class: "muted" }, h("a", { href: `#/goal/${g.goalId}` }, g.goalId.slice(0, 8)), ` ${g.text}`),
        g.questions.map((q) => questionForm(g.goalId, q)),
      ),
    ),
    h("h2", {}, `Outputs held for review (${r.held.reduce((n, g) => n + g.held.length, 0)})`),
    r.held.length === 0 ? h("p", { class: "muted" }, "No output waits for a review.") : null,
    r.held.map((g) =>
      h(
        "div",
        {},
        h("div", { class: "muted" }, h("a", { href: `#/goal/${g.goalId}` }, g.goalId.slice(0, 8)), ` ${g.text}`),
        g.held.map((held) => heldCard(g.goalId, held)),
      ),
    ),
  );
}

async function agentsPage() {
  const agents = await api("/api/agents");
  const kv = (o) =>
    Object.entries(o)
      .map(([k, v]) => `${k} ${v}`)
      .join(" · ") || "none";
  return h(
    "section",
    {},
    h("h1", {}, "Agents"),
    agents.length === 0 ? h("p", { class: "muted" }, "No agent answers discovery under this prefix.") : null,
    h(
      "div",
      { class: "cards" },
      agents.map((a) =>
        h(
          "div",
          { class: "card", "data-agent": a.card.name },
          h(
            "div",
            {},
            h("strong", {}, a.card.name),
            ` ${a.card.version} · ${a.card.kind}`,
            a.card.model ? ` · ${a.card.model}` : "",
          ),
          h("p", {}, a.card.description),
          h("div", {}, `replicas: ${a.replicas}`),
          h(
            "div",
            {},
            a.backlog ? `backlog: ${a.backlog.waiting} waiting, ${a.backlog.inFlight} in flight` : "backlog: unknown",
          ),
          h("div", {}, `outcomes: ${kv(a.outcomes)}`),
          h("div", {}, `failure kinds: ${kv(a.failureKinds)}`),
          a.card.tools.length
            ? h("div", { class: "muted" }, `tools: ${a.card.tools.map((t) => `${t.name} (${t.kind})`).join(", ")}`)
            : null,
        ),
      ),
    ),
  );
}

async function costsPage(params) {
  const by = params.get("by") ?? "agent";
  const since = params.get("since") ?? "24h";
  const c = await api(`/api/costs?by=${by}&since=${since}`);
  const max = Math.max(1e-9, ...c.series.map((p) => p.costUsd));
  const W = 640,
    H = 120,
    bw = W / Math.max(1, c.series.length);
  const go = (k, v) => {
    const next = new URLSearchParams({ by, since, [k]: v });
    location.hash = `#/costs?${next}`;
  };
  return h(
    "section",
    {},
    h("h1", {}, "Costs"),
    h(
      "div",
      { class: "filters" },
      h(
        "select",
        { "data-filter": "by", onchange: (e) => go("by", e.target.value) },
        ["user", "tenant", "agent", "model"].map((k) => h("option", { value: k, selected: k === by }, `by ${k}`)),
      ),
      h(
        "select",
        { "data-filter": "since", onchange: (e) => go("since", e.target.value) },
        ["1h", "24h", "7d", "30d"].map((k) => h("option", { value: k, selected: k === since }, `last ${k}`)),
      ),
      h(
        "span",
        { class: "muted" },
        `total ${usd(c.total.costUsd)} · ${c.total.inputTokens + c.total.outputTokens} tokens`,
      ),
    ),
    s(
      "svg",
      { width: W, height: H + 20, "data-testid": "cost-chart" },
      c.series.map((p, i) =>
        s(
          "rect",
          {
            class: "bar",
            x: i * bw + 1,
            y: H - (p.costUsd / max) * H,
            width: Math.max(1, bw - 2),
            height: (p.costUsd / max) * H,
          },
          s("title", {}, `${when(p.at)}: ${usd(p.costUsd)}`),
        ),
      ),
      s("text", { x: 0, y: H + 15, fill: "#6b6b76" }, when(c.series[0]?.at)),
    ),
    h(
      "table",
      { "data-testid": "costs" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          [by, "goals", "runs", "input tokens", "output tokens", "cost"].map((t) => h("th", {}, t)),
        ),
      ),
      h(
        "tbody",
        {},
        c.rows.map((r) =>
          h(
            "tr",
            { "data-row": r.key },
            h("td", {}, r.key),
            [r.goals, r.subtasks, r.inputTokens, r.outputTokens].map((n) => h("td", { class: "num" }, n)),
            h("td", { class: "num" }, usd(r.costUsd)),
          ),
        ),
      ),
    ),
  );
}

async function submitPage(params) {
  const forms = await api("/api/forms");
  const plan = params.get("plan") ?? forms[0]?.plan ?? "";
  const form = forms.find((f) => f.plan === plan);
  const text = h("textarea", { rows: 3, cols: 70, name: "text", placeholder: "What should be done?" });
  const fields = (form?.fields ?? []).map((f) => ({
    f,
    el:
      f.type === "boolean"
        ? h("input", { type: "checkbox", name: f.name })
        : h("input", {
            name: f.name,
            type: f.type === "string" ? "text" : "number",
            placeholder: f.description ?? f.type,
          }),
  }));
  const submit = async () => {
    const input = {};
    for (const { f, el } of fields) {
      if (f.type === "boolean") input[f.name] = el.checked;
      else if (el.value !== "") input[f.name] = f.type === "string" ? el.value : Number(el.value);
    }
    const r = await post("/api/goals", { text: text.value, plan, input: fields.length ? input : undefined });
    location.hash = `#/goal/${r.data.goalId}`;
  };
  return h(
    "section",
    {},
    h("h1", {}, "Submit a goal"),
    session.canSubmit
      ? null
      : h("p", { class: "error" }, "This console has no tenant to submit as: start it with --tenant <t>."),
    h(
      "div",
      { class: "filters" },
      h(
        "select",
        { name: "plan", onchange: (e) => (location.hash = `#/submit?plan=${e.target.value}`) },
        forms.map((f) => h("option", { value: f.plan, selected: f.plan === plan }, f.plan)),
      ),
    ),
    form ? h("p", { class: "muted" }, form.description) : null,
    h("div", {}, text),
    fields.map(({ f, el }) =>
      h(
        "div",
        {},
        h("label", {}, `${f.name} `, el),
        f.description ? h("span", { class: "muted" }, ` ${f.description}`) : null,
      ),
    ),
    h("div", { class: "actions" }, actionButton("Submit", submit)),
  );
}

// ------------------------------------------------------------------------------------------------------------
// Routing and live updates
// ------------------------------------------------------------------------------------------------------------

async function render() {
  const [path, query = ""] = location.hash.replace(/^#/, "").split("?");
  const params = new URLSearchParams(query);
  const parts = (path || "/goals").split("/").filter(Boolean);
  const page = parts[0] ?? "goals";
  for (const a of document.querySelectorAll("[data-nav]"))
    a.classList.toggle("active", a.dataset.nav === page || (page === "goal" && a.dataset.nav === "goals"));
  const build =
    {
      goals: () => goalsPage(params),
      goal: () => goalPage(parts[1] ?? ""),
      review: reviewPage,
      agents: agentsPage,
      costs: () => costsPage(params),
      submit: () => submitPage(params),
    }[page] ?? (() => goalsPage(params));
  const mine = {
    route: page,
    goalId: page === "goal" ? parts[1] : undefined,
    // A refresh scheduled for a page the person has left must not draw that page again.
    refresh: debounce(() => current === mine && draw(build, true), 250),
  };
  current = mine;
  await draw(build, false);
}

let drawn = 0;

async function draw(build, keepInputs) {
  // A live refresh must not wipe what a person is typing.
  const active = document.activeElement;
  if (keepInputs && active && ["INPUT", "TEXTAREA", "SELECT"].includes(active.tagName) && active.value) return;
  // Only the latest draw lands: an older one that finishes later (a slow fetch) must not replace a newer page.
  const mine = ++drawn;
  let el;
  try {
    el = await build();
  } catch (e) {
    el = h("p", { class: "error", "data-testid": "error" }, e.message);
  }
  if (mine === drawn) view.replaceChildren(el);
}

async function refreshReviewCount() {
  const r = await api("/api/review").catch(() => undefined);
  if (r)
    document.getElementById("review-count").textContent = String(
      r.approvals.length + r.questions.length + r.held.length || "",
    );
}

function live() {
  const dot = document.getElementById("live");
  const events = new EventSource("/api/stream");
  const reviewCount = debounce(refreshReviewCount, 300);
  events.addEventListener("open", () => dot.classList.add("on"));
  events.addEventListener("error", () => dot.classList.remove("on"));
  events.addEventListener("goal", (e) => {
    const g = JSON.parse(e.data);
    reviewCount();
    if (
      current.route === "goals" ||
      current.route === "review" ||
      (current.route === "goal" && current.goalId === g.goalId)
    )
      current.refresh();
  });
  events.addEventListener("proposal", () => {
    reviewCount();
    if (current.route === "review" || current.route === "goal") current.refresh();
  });
  events.addEventListener("step", (e) => {
    const step = JSON.parse(e.data);
    if (current.route === "goal" && current.goalId === step.goalId) current.refresh();
  });
}

session = await api("/api/session");
document.getElementById("session").textContent = session.person ? `as ${session.person}` : "read-only";
window.addEventListener("hashchange", render);
live();
refreshReviewCount();
render();
