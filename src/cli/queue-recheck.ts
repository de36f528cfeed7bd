/**
 * After `client edit` or `channels edit`: the follow-ups waiting in the outbox for that client
 * or through that channel, checked against the change and reported by id with what to do.
 * Shared by the client and channels commands; bundles are never rewritten.
 */
import { readdir } from "node:fs/promises";
import type { OutboxMeta } from "../delivery/outbox.js";
import { recheckQueued, type QueuedEntry, type RecheckChange, type RecheckFinding } from "../followup/recheck.js";
import { channelPort } from "../followup/wiring.js";
import type { CliContext } from "./context.js";
import { openCliWorkflow, waitingFollowUps } from "./workflow.js";

/** Whether anything waits in the outbox at all (no unlock needed to know). */
async function anythingQueued(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).some((n) => /^[0-9a-z]{26}\.meta\.age$/.test(n));
  } catch {
    return false;
  }
}

/**
 * Check the waiting follow-ups that `which` selects against the current client registry and
 * channel configuration (read now, after the change was stored), print one line per affected
 * follow-up, and return the findings for `--json`.
 */
export async function recheckAfterEdit(ctx: CliContext, which: (meta: OutboxMeta) => boolean, change: RecheckChange = {}): Promise<RecheckFinding[]> {
  if (!(await anythingQueued(ctx.home.outbox))) return [];
  const { practice, wf } = await openCliWorkflow(ctx);
  const entries: QueuedEntry[] = [];
  for (const s of await waitingFollowUps(wf)) {
    if (s.bundle === undefined) continue;
    const meta = await wf.outbox.meta(s.bundle);
    if (meta !== undefined && which(meta)) entries.push({ id: s.bundle, meta });
  }
  if (entries.length === 0) return [];
  // Built from the settings as stored now: the workflow's own port predates the change.
  const channels = channelPort(ctx.settings, () => practice.secrets(), ctx.home.root);
  const findings = await recheckQueued(entries, { client: (alias) => practice.clients.get(alias), channels }, change);
  const blocked = findings.filter((f) => f.blocked).length;
  ctx.out.say("recheck.header", { count: findings.length, blocked });
  for (const f of findings) {
    ctx.out.line(`  ${f.id}  ${f.problem === undefined ? ctx.out.text("recheck.unchanged", { channel: f.channel }) : ctx.out.text(f.problem.key, f.problem.params)}`);
  }
  return findings;
}

/** Findings as `--json` reports them. */
export function findingsJson(ctx: CliContext, findings: readonly RecheckFinding[]) {
  return findings.map((f) => ({
    id: f.id,
    client: f.alias,
    channel: f.channel,
    blocked: f.blocked,
    problem: f.problem?.key ?? null,
    text: f.problem === undefined ? null : ctx.out.text(f.problem.key, f.problem.params),
  }));
}
