import { parseArgs } from "node:util";
import { ApprovalDecision, ApprovalRecord, WIRE_VERSION } from "@switchyard/contracts";
import { type Bus, getJson, openBucket, publishJson } from "@switchyard/infra";
import { CliError, connectCli } from "../client.ts";

export const APPROVALS_USAGE = `switchyard approvals list [--json] | show <id> [--json] | approve <id> [--reason "..."] | reject <id> --reason "..."
  The human review queue: proposals of write and destructive actions waiting for a decision. Who decided, when and why
  is recorded; a proposal nobody decides before its review deadline is rejected automatically (expired).
  Decisions are made as the person's identity (default approver-<$SY_USER or login>; --as approver-<name>), which the
  bus authenticates: the record names who decided, whatever a message says.
  Exit code of approve/reject: 0 decided as asked, 3 it had been decided already, 2 bad usage.`;

const WAIT_MS = 10_000;

async function records(bus: Bus): Promise<ApprovalRecord[]> {
  const kv = await openBucket(bus, bus.names.buckets.approvals);
  const out: ApprovalRecord[] = [];
  for await (const key of await kv.keys("proposal.*")) {
    const r = (await getJson(kv, key, ApprovalRecord).catch(() => undefined))?.value;
    if (r !== undefined) out.push(r);
  }
  return out.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
}

function describe(r: ApprovalRecord): string {
  const p = r.proposal;
  const decided = p.decidedBy
    ? ` — ${p.status} by ${p.decidedBy} at ${p.decidedAt}${r.decisionReason ? `: ${r.decisionReason}` : ""}`
    : "";
  return [
    `${p.id}  ${p.status}  ${p.kind} ${p.tool} ${JSON.stringify(p.args)}`,
    `  goal ${p.goalId} / ${p.subtaskId} (agent ${p.agent}); review by ${r.reviewBy}${decided}`,
    `  why: ${p.reason || "(no reason given)"}`,
    ...(p.result === undefined ? [] : [`  result: ${JSON.stringify(p.result)}`]),
    ...(r.error === undefined ? [] : [`  error: ${r.error}`]),
  ].join("\n");
}

/** `switchyard approvals`. */
export async function approvalsCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      reason: { type: "string" },
      nats: { type: "string" },
      as: { type: "string" },
    },
  });
  if (sub === undefined || !["list", "show", "approve", "reject"].includes(sub)) throw new CliError(APPROVALS_USAGE, 2);
  if (sub !== "list" && positionals.length !== 1)
    throw new CliError(`expected one proposal id\n\n${APPROVALS_USAGE}`, 2);
  if (sub === "reject" && (values.reason === undefined || values.reason.trim() === "")) {
    throw new CliError("reject needs --reason: the goal's result will say why", 2);
  }
  const { bus, identity } = await connectCli(values, { role: "approver" });
  try {
    if (sub === "list") {
      const all = await records(bus);
      if (values.json)
        process.stdout.write(
          `${JSON.stringify(all.map((r) => ({ ...r.proposal, reviewBy: r.reviewBy, decisionReason: r.decisionReason })))}\n`,
        );
      else process.stdout.write(all.length === 0 ? "no proposals\n" : `${all.map(describe).join("\n")}\n`);
      return 0;
    }
    const id = positionals[0] ?? "";
    const kv = await openBucket(bus, bus.names.buckets.approvals);
    const current = await getJson(kv, bus.names.keys.proposal(id), ApprovalRecord);
    if (current === undefined) throw new CliError(`no proposal "${id}"`, 1);
    if (sub === "show") {
      process.stdout.write(values.json ? `${JSON.stringify(current.value)}\n` : `${describe(current.value)}\n`);
      return 0;
    }
    if (current.value.proposal.status !== "pending") {
      process.stdout.write(`${describe(current.value)}\n`);
      process.stderr.write(`proposal ${id} was already decided (${current.value.proposal.status})\n`);
      return 3;
    }
    if (identity.role !== "approver")
      throw new CliError(`decisions come from a person (approver-<name>), not ${identity.name}`, 2);
    const decision = ApprovalDecision.parse({
      v: WIRE_VERSION,
      proposalId: id,
      decision: sub === "approve" ? "approved" : "rejected",
      reason: values.reason,
      at: new Date().toISOString(),
    });
    await publishJson(bus, bus.names.subjects.approvalDecide(identity.of), ApprovalDecision, decision);
    // Wait (bounded) for the coordinator to record it, so the printout shows the decision.
    const deadline = Date.now() + WAIT_MS;
    let after = current.value;
    while (Date.now() < deadline && after.proposal.status === "pending") {
      await new Promise((r) => setTimeout(r, 200));
      after = (await getJson(kv, bus.names.keys.proposal(id), ApprovalRecord))?.value ?? after;
    }
    process.stdout.write(values.json ? `${JSON.stringify(after)}\n` : `${describe(after)}\n`);
    return after.proposal.status === decision.decision || after.proposal.status === "executed" ? 0 : 3;
  } finally {
    await bus.close();
  }
}
