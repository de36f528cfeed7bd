/**
 * Client groups in the CLI: finding a group's members (their tags matched against the clients'
 * tags, computed with the practice keys) and `send --group NAME …`: one follow-up per member,
 * each sealed separately to that member's keys and sent through the member's own channel.
 *
 * A group send is all or nothing at the check: when any member cannot receive it (no consent
 * for their channel, no address, nothing they can open), nothing is sealed for anyone and every
 * such member is named; the practitioner fixes it or removes the member from the group. Members
 * whose client is gone (removed or forgotten) are not such members: nothing can reach them any
 * more, so they are taken out of the group with a warning and the rest is sent.
 */
import { ExitCode, UserError } from "../errors.js";
import type { DeliveryOutcome } from "../followup/deliver.js";
import type { ValidDraft } from "../followup/validate.js";
import type { Workflow } from "../followup/workflow.js";
import { GROUP_NAME, readGroups, writeGroups } from "../practice/groups.js";
import type { CliContext } from "./context.js";
import type { Practice } from "./practice.js";
import {
  confirmSend,
  describePlan,
  draftFromOptions,
  formatSize,
  openCliWorkflow,
  printPlan,
  refusedByPolicy,
  reportProblems,
  timingFromOptions,
  whenText,
  type ContentOptions,
  type LocatedProblemLike,
} from "./workflow.js";

export function requireGroupName(name: string): void {
  if (!GROUP_NAME.test(name)) throw new UserError(ExitCode.usage, "group.badName", { name });
}

/** The members' aliases of group `name` (in the order they were added); undefined for a removed client. */
export async function groupMembers(ctx: CliContext, wf: Workflow, name: string): Promise<(string | undefined)[]> {
  const groups = await readGroups(ctx.home.root);
  const tags = groups[name];
  if (tags === undefined) throw new UserError(ExitCode.usage, "group.unknown", { name });
  return tags.map((tag) => wf.aliasOf(tag));
}

/** Members as `group list` and `group add` show them: aliases, "(removed client)", or "(no members)". */
export function memberList(ctx: CliContext, members: readonly (string | undefined)[]): string {
  if (members.length === 0) return ctx.out.text("group.noMembers");
  return members.map((m) => m ?? ctx.out.text("group.goneMember")).join(", ");
}

/**
 * The aliases of the members who can still receive something, in the order they were added.
 * Members removed from the registry or forgotten while still listed (groups written before
 * `client remove` and `client forget` took clients out of their groups) get nothing: they are
 * named in one warning and, unless `dryRun`, taken out of this group, so that a client added
 * later under a reused alias does not inherit the place.
 */
async function reachableMembers(ctx: CliContext, practice: Practice, wf: Workflow, name: string, dryRun: boolean): Promise<string[]> {
  const groups = await readGroups(ctx.home.root);
  const tags = groups[name];
  if (tags === undefined) throw new UserError(ExitCode.usage, "group.unknown", { name });
  const departed = (tag: string) => {
    const alias = wf.aliasOf(tag);
    return alias === undefined || practice.clients.get(alias)?.forgotten !== undefined;
  };
  const gone = tags.filter(departed);
  const kept = tags.filter((tag) => !gone.includes(tag));
  if (gone.length > 0) {
    const members = gone.map((tag) => wf.aliasOf(tag) ?? ctx.out.text("group.goneMember")).join(", ");
    if (!dryRun) await writeGroups(ctx.home.root, { ...groups, [name]: kept });
    ctx.out.warn(dryRun ? "group.departedDry" : "group.departed", { name, members, count: gone.length });
  }
  return kept.map((tag) => wf.aliasOf(tag)!);
}

/** What `send --group` takes: when and how the follow-ups go, and their content (a part of `send`'s options). */
export interface GroupSendOptions extends ContentOptions {
  now?: boolean;
  at?: string;
  dryRun?: boolean;
  yes?: boolean;
  viewer?: boolean;
  viewerPassphraseFile?: string;
}

export async function sendGroup(ctx: CliContext, name: string, o: GroupSendOptions): Promise<void> {
  requireGroupName(name);
  if (o.viewerPassphraseFile !== undefined) throw new UserError(ExitCode.usage, "group.sharedPassphrase");
  // The group must exist before the passphrase is asked for.
  if ((await readGroups(ctx.home.root))[name] === undefined) throw new UserError(ExitCode.usage, "group.unknown", { name });
  const { practice, wf } = await openCliWorkflow(ctx);
  const aliases = await reachableMembers(ctx, practice, wf, name, o.dryRun === true);
  if (aliases.length === 0) throw new UserError(ExitCode.usage, "group.empty", { name });

  // 1. Every member's follow-up checked before any is processed.
  const { validateDraft } = await import("../followup/validate.js");
  const problems: LocatedProblemLike[] = [];
  let refused = false;
  const valid: ValidDraft[] = [];
  for (const alias of aliases) {
    const draft = { ...(await draftFromOptions(alias, o)), ...(o.viewer === true ? { viewer: {} } : {}) };
    const v = await validateDraft(draft, wf.validation);
    refused ||= v.refused;
    problems.push(...v.problems.map((p) => ({ ...p, where: alias })));
    if (v.valid !== undefined) valid.push(v.valid);
  }
  if (problems.length > 0) {
    reportProblems(ctx, problems, refused, { key: "workflow.problems", params: { count: problems.length } });
    return;
  }
  const timing = await timingFromOptions(ctx, wf, o);
  if (timing === undefined) return;
  const [{ dueTime, prepareClaimed, previewFollowUp }, { singleFollowUpKey }, { deliverClaimed }] = await Promise.all([
    import("../followup/pipeline.js"),
    import("../followup/keys.js"),
    import("../followup/deliver.js"),
  ]);

  if (o.dryRun === true) {
    const out: unknown[] = [];
    for (const v of valid) {
      const preview = await previewFollowUp(v, wf.prepare);
      ctx.out.say("batch.lineDry", { alias: v.client.alias, count: preview.items.length, size: formatSize(preview.bundleBytes), channel: v.channel.name });
      printPlan(ctx, v.channel.name, preview.plan);
      if (preview.plan.refuse !== undefined) {
        ctx.out.warn(preview.plan.refuse.key, preview.plan.refuse.params);
        process.exitCode = ExitCode.usage;
      }
      out.push({ client: v.client.alias, channel: v.channel.name, due: dueTime(wf.now(), wf.hours, timing).toISOString(), items: preview.items, plan: describePlan(preview.plan) });
    }
    ctx.out.result({ dryRun: true, group: name, followups: out });
    return;
  }
  if (o.yes !== true) {
    if (ctx.json) throw new UserError(ExitCode.usage, "send.needsYes");
    if (!(await confirmSend(ctx, name, [...new Set(valid.map((v) => v.channel.name))].join(", ")))) {
      ctx.out.say("send.aborted");
      return;
    }
  }

  // 2. One follow-up per member, sealed to that member, through that member's channel.
  ctx.out.say("group.header", { name, count: valid.length });
  const results: Record<string, unknown>[] = [];
  let sent = 0;
  let failed = 0;
  let refusals = 0;
  // Refused before anything was stored (a channel's limit, too few credits): a usage error.
  let unstored = 0;
  for (const v of valid) {
    const alias = v.client.alias;
    const key = singleFollowUpKey();
    let outcome: DeliveryOutcome | undefined;
    let id: string | undefined;
    let due: Date | undefined;
    try {
      const release = await wf.ledger.claim(key);
      try {
        const prepared = await prepareClaimed(v, key, "send", timing, wf.prepare);
        id = prepared.bundleId;
        due = prepared.due;
        if (prepared.plan.warn !== undefined) ctx.out.warn(prepared.plan.warn.key, prepared.plan.warn.params);
        if (prepared.due.getTime() <= wf.now().getTime()) outcome = await deliverClaimed(key, wf.delivery);
      } finally {
        await release();
      }
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      if (id === undefined && error.code === ExitCode.usage) unstored++;
      outcome = { status: "failed", reason: error.key, params: error.params, retryable: true };
    }
    if (outcome === undefined) ctx.out.say("batch.lineQueued", { alias, id: id ?? "-", when: due === undefined ? "-" : whenText(ctx, wf, due) });
    else if (outcome.status === "sent") {
      sent++;
      ctx.out.say("batch.lineSent", { alias, channel: v.channel.name, id: id ?? "-" });
    } else if (outcome.status === "failed") {
      failed++;
      if (refusedByPolicy(outcome)) refusals++;
      ctx.out.warn("batch.lineFailed", { alias, problem: ctx.out.text(outcome.reason, outcome.params) });
    } else if (outcome.status === "uncertain") {
      failed++;
      ctx.out.warn("batch.lineUncertain", { alias, id: id ?? "-" });
    }
    results.push({ client: alias, channel: v.channel.name, id: id ?? null, key, state: outcome === undefined ? "queued" : outcome.status });
  }
  ctx.out.result({ group: name, followups: results });
  // As for a batch: 3 when some went out and others did not; 2 when every one was refused
  // before anything was stored.
  if (failed === 0) return;
  if (sent > 0) process.exitCode = ExitCode.partial;
  else if (unstored === results.length) process.exitCode = ExitCode.usage;
  else process.exitCode = refusals === failed ? ExitCode.refused : ExitCode.failure;
}
