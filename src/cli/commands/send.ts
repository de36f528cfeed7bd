/** `nachklang send ALIAS …`: compose, seal, queue and (inside contact hours) deliver one follow-up. */
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { ExitCode, UserError } from "../../errors.js";
import { parseLocalTime } from "../../delivery/hours.js";
import { splitImpulseArg, splitMediaArg, splitVarArg, type FollowUpDraft, type Impulse } from "../../followup/draft.js";
import { dueTime, previewFollowUp } from "../../followup/pipeline.js";
import { configuredChannels } from "../../channels/factory.js";
import { requireChannelName } from "../../channels/registry.js";
import { isLang } from "../../messages/index.js";
import { readViewerPassphrase, type CliContext } from "../context.js";
import { refuseKeyringPassphraseAsViewer } from "../practice.js";
import { checkDraft, confirmSend, formatSize, openCliWorkflow, printItems, sendPrepared, whenText } from "../workflow.js";

export interface SendOptions {
  photo?: string[];
  audio?: string[];
  homework?: string;
  var?: string[];
  impulse?: string[];
  note?: string;
  noteFile?: string;
  appointment?: string;
  channel?: string;
  now?: boolean;
  at?: string;
  dryRun?: boolean;
  yes?: boolean;
  viewer?: boolean;
  viewerPassphraseFile?: string;
  /** The homework's language, when it is not the client's (`--lang`). */
  lang?: string;
}

const isFile = (p: string) => existsSync(p) && statSync(p).isFile();

/** The largest note: more than a messenger carries in a few messages (Threema: 3500 bytes each) is no note. */
const MAX_NOTE_BYTES = 64 * 1024;

const noteTooLarge = (file: string, bytes: number) =>
  new UserError(ExitCode.usage, "send.noteTooLarge", { file, kb: Math.ceil(bytes / 1024), max: MAX_NOTE_BYTES / 1024 });

/** A note file: plain UTF-8 text of at most MAX_NOTE_BYTES, checked before anything is read whole. */
async function readNoteFile(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    const size = statSync(file).size;
    if (size > MAX_NOTE_BYTES) throw noteTooLarge(file, size);
    bytes = await readFile(file);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(ExitCode.usage, "file.missing", { file });
  }
  if (bytes.length > MAX_NOTE_BYTES) throw noteTooLarge(file, bytes.length);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new UserError(ExitCode.usage, "send.noteNotText", { file });
  }
  // Valid UTF-8 can still be binary (NUL bytes, escapes): text has no control characters but tab and line breaks.
  if (/[^\P{Cc}\t\n\r]/u.test(text)) throw new UserError(ExitCode.usage, "send.noteNotText", { file });
  return text.replace(/^\uFEFF/, "");
}

async function draftFrom(ctx: CliContext, alias: string, o: SendOptions): Promise<FollowUpDraft> {
  if (o.note !== undefined && o.noteFile !== undefined) throw new UserError(ExitCode.usage, "workflow.noteTwice");
  let note = o.note;
  if (o.noteFile !== undefined) note = await readNoteFile(o.noteFile);
  else if (note !== undefined && Buffer.byteLength(note) > MAX_NOTE_BYTES) throw noteTooLarge("--note", Buffer.byteLength(note));
  const impulses: Impulse[] = (o.impulse ?? []).map((text) => {
    const parsed = splitImpulseArg(text);
    if (parsed === null) throw new UserError(ExitCode.usage, "workflow.badImpulse", { value: text });
    return parsed;
  });
  const vars: Record<string, string> = {};
  for (const v of o.var ?? []) {
    const pair = splitVarArg(v);
    if (pair === null) throw new UserError(ExitCode.usage, "workflow.badVar", { value: v });
    vars[pair[0]] = pair[1];
  }
  if (o.homework === undefined && Object.keys(vars).length > 0) throw new UserError(ExitCode.usage, "workflow.varWithoutHomework");
  const draft: FollowUpDraft = {
    client: alias,
    ...(o.channel === undefined ? {} : { channel: o.channel }),
    photos: (o.photo ?? []).map((p) => splitMediaArg(p, isFile)),
    audio: (o.audio ?? []).map((p) => splitMediaArg(p, isFile)),
    ...(o.homework === undefined ? {} : { homework: { id: o.homework, vars, ...(isLang(o.lang) ? { lang: o.lang } : {}) } }),
    impulses,
    ...(note === undefined ? {} : { note }),
    ...(o.appointment === undefined ? {} : { appointment: o.appointment }),
    ...(await viewerChoice(o)),
  };
  const empty = draft.photos.length + draft.audio.length + impulses.length === 0 && !draft.homework && !note?.trim() && !draft.appointment;
  if (empty) throw new UserError(ExitCode.usage, "workflow.nothingToSend", { alias });
  return draft;
}

/**
 * `--viewer` makes the passphrase viewer for this follow-up; `--viewer-passphrase-file` sets its
 * passphrase for this follow-up only (else the client's stored one). `--passphrase-file` stays
 * the keyring passphrase, as in every command.
 */
async function viewerChoice(o: SendOptions): Promise<Pick<FollowUpDraft, "viewer">> {
  if (o.viewer !== true && o.viewerPassphraseFile === undefined) return {};
  if (o.viewerPassphraseFile === undefined) return { viewer: {} };
  return { viewer: { passphrase: await readViewerPassphrase(o.viewerPassphraseFile) } };
}

export async function run(ctx: CliContext, alias: string, o: SendOptions): Promise<void> {
  // Refuse WhatsApp and unknown channels before asking for a passphrase or touching anything.
  if (o.channel !== undefined) requireChannelName(o.channel, Object.keys(configuredChannels(ctx.settings.channels)));
  const draft = await draftFrom(ctx, alias, o);
  const { practice, wf } = await openCliWorkflow(ctx);
  const viewerPassphrase = draft.viewer?.passphrase;
  if (viewerPassphrase !== undefined && o.viewerPassphraseFile !== undefined) await refuseKeyringPassphraseAsViewer(practice, viewerPassphrase, o.viewerPassphraseFile);
  const at = o.at === undefined ? undefined : parseLocalTime(o.at, wf.tz);
  const timing = { ...(o.now === true ? { immediate: true } : {}), ...(at === undefined ? {} : { at }) };
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
    ctx.out.result({
      dryRun: true,
      client: alias,
      channel: valid.channel.name,
      channelType: valid.channel.type,
      due: due.toISOString(),
      message: preview.composed.message,
      items: preview.items,
      bundleBytes: preview.bundleBytes,
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
