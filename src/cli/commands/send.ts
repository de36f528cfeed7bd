/** `nachklang send ALIAS …`: compose, seal, queue and (inside contact hours) deliver one follow-up. */
import { ExitCode, UserError } from "../../errors.js";
import type { FollowUpDraft } from "../../followup/draft.js";
import { dueTime, previewFollowUp } from "../../followup/pipeline.js";
import { configuredChannels } from "../../channels/factory.js";
import { requireChannelName } from "../../channels/registry.js";
import { readViewerPassphrase, storedPassphraseAdvice, type CliContext } from "../context.js";
import type { GroupSendOptions } from "../groups.js";
import { refuseKeyringPassphraseAsViewer } from "../practice.js";
import {
  checkDraft,
  confirmSend,
  describePlan,
  draftFromOptions,
  formatSize,
  openCliWorkflow,
  timingFromOptions,
  printItems,
  printPlan,
  sendPrepared,
  whenText,
} from "../workflow.js";

/** `send`'s options: a group's (when, how, the content) and what only a single send has. */
export interface SendOptions extends GroupSendOptions {
  /** The homework's language, when it is not the client's (`--lang`). */
  lang?: string;
  /** A series file: several follow-ups at planned times (src/cli/series.ts). */
  series?: string;
  /** A group: one follow-up to each member (src/cli/groups.ts). */
  group?: string;
}

async function draftFrom(ctx: CliContext, alias: string, o: SendOptions): Promise<FollowUpDraft> {
  return { ...(await draftFromOptions(alias, o)), ...(await viewerChoice(alias, o)) };
}

/**
 * `--viewer` makes the passphrase viewer for this follow-up; `--viewer-passphrase-file` sets its
 * passphrase for this follow-up only (else the client's stored one). `--passphrase-file` stays
 * the keyring passphrase, as in every command.
 */
async function viewerChoice(alias: string, o: SendOptions): Promise<Pick<FollowUpDraft, "viewer">> {
  if (o.viewer !== true && o.viewerPassphraseFile === undefined) return {};
  if (o.viewerPassphraseFile === undefined) return { viewer: {} };
  return { viewer: { passphrase: await readViewerPassphrase(o.viewerPassphraseFile, storedPassphraseAdvice(alias)) } };
}

export async function run(ctx: CliContext, aliasArg: string | undefined, o: SendOptions): Promise<void> {
  // Refuse WhatsApp and unknown channels before asking for a passphrase or touching anything.
  if (o.channel !== undefined) requireChannelName(o.channel, Object.keys(configuredChannels(ctx.settings.channels)));
  if ((aliasArg === undefined) === (o.group === undefined)) throw new UserError(ExitCode.usage, "group.aliasOrGroup");
  if (o.group !== undefined) {
    if (o.series !== undefined) throw new UserError(ExitCode.usage, "series.withGroup");
    const { sendGroup } = await import("../groups.js");
    await sendGroup(ctx, o.group, o);
    return;
  }
  const alias = aliasArg ?? "";
  if (o.series !== undefined) {
    const content = [o.note, o.noteFile, o.homework, o.appointment, o.at, o.viewerPassphraseFile].some((v) => v !== undefined) ||
      [o.photo, o.audio, o.impulse, o.var].some((v) => v !== undefined && v.length > 0) || o.viewer === true;
    if (content) throw new UserError(ExitCode.usage, "series.withContent");
    const { sendSeries } = await import("../series.js");
    await sendSeries(ctx, alias, o.series, o);
    return;
  }
  const draft = await draftFrom(ctx, alias, o);
  const { practice, wf } = await openCliWorkflow(ctx);
  const viewerPassphrase = draft.viewer?.passphrase;
  if (viewerPassphrase !== undefined && o.viewerPassphraseFile !== undefined) await refuseKeyringPassphraseAsViewer(practice, viewerPassphrase, o.viewerPassphraseFile, storedPassphraseAdvice(alias));
  const timing = await timingFromOptions(ctx, wf, o);
  if (timing === undefined) return;
  const valid = await checkDraft(ctx, wf, draft);
  if (valid === undefined) return;
  const due = dueTime(wf.now(), wf.hours, timing);
  const dueNow = due.getTime() <= wf.now().getTime();

  if (o.dryRun === true) {
    const preview = await previewFollowUp(valid, wf.prepare);
    const when = dueNow ? ctx.out.text("send.whenNow") : whenText(ctx, wf, due);
    ctx.out.say("send.dryRunHeader", { alias, channel: valid.channel.name, when });
    ctx.out.say("send.dryRunMessage");
    ctx.out.line(preview.composed.message);
    ctx.out.say("send.dryRunItems", { count: preview.items.length, size: formatSize(preview.bundleBytes) });
    printItems(ctx, preview.items);
    printPlan(ctx, valid.channel.name, preview.plan);
    // Over the channel's limits: said here with what to do, and the exit code `send` would give.
    if (preview.plan.refuse !== undefined) {
      ctx.out.warn(preview.plan.refuse.key, preview.plan.refuse.params);
      process.exitCode = ExitCode.usage;
    }
    ctx.out.result({
      dryRun: true,
      client: alias,
      channel: valid.channel.name,
      channelType: valid.channel.type,
      due: due.toISOString(),
      message: preview.composed.message,
      items: preview.items,
      bundleBytes: preview.bundleBytes,
      plan: describePlan(preview.plan),
    });
    return;
  }
  if (o.yes !== true) {
    if (ctx.json) throw new UserError(ExitCode.usage, "send.needsYes");
    if (!(await confirmSend(ctx, alias, valid.channel.name))) {
      ctx.out.say("send.aborted");
      return;
    }
  }
  await sendPrepared(ctx, wf, valid, "send", timing);
}
