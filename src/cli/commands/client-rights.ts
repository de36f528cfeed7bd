/**
 * `nachklang client export ALIAS --out FILE` (GDPR Art. 15/20) and `nachklang client forget
 * ALIAS` (Art. 17): a client's copy of everything stored about them, and erasure of what no
 * duty to keep covers.
 */
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ExitCode, UserError } from "../../errors.js";
import { exists, isInside, writePrivateFile } from "../../files.js";
import { t } from "../../messages/index.js";
import { addSpan } from "../../records/duration.js";
import { forgottenRecord, sealClientExport, type ClientExport, type ExportCounts } from "../../records/client-rights.js";
import { exportMessages, messagesOf } from "../../inbox/records.js";
import { InboxStore } from "../../inbox/store.js";
import { handoffNames, retentionOf } from "../../records/retention.js";
import { readGroups, removeFromGroups } from "../../practice/groups.js";
import { handoffFolders } from "../../records/storage.js";
import type { TimeEntry } from "../../records/time.js";
import { withPrivateTemp } from "../../temp.js";
import { foldLedger, isSettled, type FollowUpState } from "../../delivery/ledger.js";
import type { CliContext } from "../context.js";
import { readViewerPassphrase, storedPassphraseAdvice } from "../context.js";
import { openRecords } from "../records.js";
import { claimAll, formatSize, mayHaveArrived, openInbox, processInbox, recheckClaimed } from "../workflow.js";

interface ExportOptions {
  out: string;
  viewer?: boolean;
  viewerPassphraseFile?: string;
}

export async function exportClient(ctx: CliContext, alias: string, o: ExportOptions): Promise<void> {
  const out = resolve(o.out);
  if (await exists(out)) throw new UserError(ExitCode.usage, "file.exists", { file: out });
  // Left in the practice folder, a client's export would stay there, unmanaged, in every backup.
  if (isInside(ctx.home.root, out)) throw new UserError(ExitCode.usage, "export.insideHome", { file: out });
  const viewerPassphrase = o.viewerPassphraseFile === undefined ? undefined : await readViewerPassphrase(o.viewerPassphraseFile, storedPassphraseAdvice(alias));
  const r = await openRecords(ctx);
  const client = r.practice.clients.require(alias);
  // Messages that arrived but wait to be decoded are the client's too (as for records purge).
  await processInbox(ctx, await openInbox(ctx, r), { notices: false });
  const asViewer = o.viewer === true || viewerPassphrase !== undefined || client.ageRecipient === undefined;
  const passphrase = viewerPassphrase ?? client.viewerPassphrase;
  if (asViewer && passphrase === undefined) throw new UserError(ExitCode.usage, client.ageRecipient === undefined ? "export.noKey" : "export.noViewerPassphrase", { alias });
  const tag = await r.wf.tagger(alias);
  // One reading of the ledger: the follow-ups and the messages received.
  const { events } = await r.wf.ledger.read();
  const followUps = [...foldLedger(events).values()].filter((s) => s.client === tag).sort((a, b) => a.created.localeCompare(b.created));
  const time: (TimeEntry & { noteText?: string })[] = [];
  for (const e of (await r.time.entries()).filter((x) => x.client === tag).sort((a, b) => a.day.localeCompare(b.day))) {
    const noteText = await r.time.note(e);
    time.push({ ...e, ...(noteText === undefined ? {} : { noteText }) });
  }
  const { keys } = r.practice;
  const inbox = new InboxStore(ctx.home.root, keys.ageRecipient);
  const name = ctx.settings.practice?.name;
  const lang = client.lang;
  const made = await withPrivateTemp(async (work) => {
    const source = {
      client,
      followUps,
      locate: (id: string) => r.wf.outbox.locate(id),
      time,
      messages: await exportMessages(inbox, { identities: [keys.identity] }, messagesOf(events, new Set([tag])), work),
      groups: Object.entries(await readGroups(ctx.home.root)).filter(([, members]) => members.includes(tag)).map(([group]) => group),
      keys: { identities: [keys.identity] },
      practice: { ...(name === undefined ? {} : { name }), ageRecipient: keys.ageRecipient, keyId: keys.keyId, signing: keys.signer },
      readme: (counts: ExportCounts) => t(lang, "export.readme", { practice: name ?? keys.keyId, alias, date: r.today(), ...counts }),
      now: r.wf.now(),
    };
    if (!asViewer) return sealClientExport(source, work, [client.ageRecipient!], out);
    // The viewer: the export sealed for the practice alone, opened and verified, then put into
    // one HTML page under the client's viewer passphrase.
    const sealed = await sealClientExport(source, work, [], join(work, "export.age"));
    const { openBundleToTemp } = await import("../../bundle/open.js");
    const { buildViewer, viewerLimitBytes } = await import("../../viewer/build.js");
    const { encodePublicKey } = await import("../../bundle/signature.js");
    const opened = await openBundleToTemp(sealed.path, { keys: { identities: [keys.identity] }, signer: keys.signer });
    try {
      const html = await buildViewer({
        followUp: opened,
        minisignPublicKey: encodePublicKey(keys.signer),
        passphrase: passphrase!,
        limitBytes: viewerLimitBytes(ctx.settings.viewerLimitMB),
        warn: (key, params) => ctx.out.warn(key, params),
      });
      await writePrivateFile(out, html, { exclusive: true });
      return { ...sealed, path: out, bytes: Buffer.byteLength(html) } satisfies ClientExport;
    } finally {
      await opened.dispose();
    }
  });
  ctx.out.say(asViewer ? "export.writtenViewer" : "export.written", {
    alias,
    file: out,
    followUps: made.followUps,
    time: made.timeEntries,
    messages: made.messages,
    size: formatSize(made.bytes),
  });
  if (made.missing > 0) ctx.out.warn("export.missing", { count: made.missing });
  ctx.out.result({ file: out, kind: asViewer ? "viewer" : "age", bundle: made.bundleId, followUps: made.followUps, missing: made.missing, timeEntries: made.timeEntries, messages: made.messages, bytes: made.bytes });
}

export async function forget(ctx: CliContext, alias: string, o: { yes?: boolean }): Promise<void> {
  const r = await openRecords(ctx);
  const client = r.practice.clients.require(alias);
  // A second request finds nothing more to delete: said as such, not as a fresh erasure.
  if (client.forgotten !== undefined) {
    ctx.out.say("forget.already", { alias, date: client.forgotten });
    ctx.out.result({ alias, alreadyForgotten: client.forgotten });
    return;
  }
  if (o.yes !== true) {
    if (!process.stdin.isTTY) throw new UserError(ExitCode.usage, "forget.needsYes", { alias });
    const { default: inquirer } = await import("inquirer");
    const { ok } = await inquirer.prompt<{ ok: boolean }>([{ type: "confirm", name: "ok", default: false, message: ctx.out.text("forget.confirm", { alias }) }]);
    if (!ok) return;
  }
  // Decoded first, so that messages waiting for it are kept as the client's records (and lose
  // the sender's address below) rather than wait under an address nobody answers to any more.
  await processInbox(ctx, await openInbox(ctx, r), { notices: false });
  const tag = await r.wf.tagger(alias);
  const today = r.today();
  const states = [...(await r.wf.ledger.states()).values()].filter((s) => s.client === tag);
  // Every follow-up still in the outbox is claimed before anything changes: one that another
  // process is delivering right now stops forget with the busy line, and then nothing (the
  // groups included) has been touched. The locks are held until the erasure is done.
  const pending: (FollowUpState & { bundle: string })[] = [];
  for (const s of states) {
    if (isSettled(s) || s.bundle === undefined || !(await r.wf.outbox.has(s.bundle))) continue;
    pending.push({ ...s, bundle: s.bundle });
  }
  const release = await claimAll(ctx, r.wf, pending);
  let queued = 0;
  let groups: string[];
  let sentMeanwhile: number;
  const uncertain: string[] = [];
  try {
    // Read again under the locks, before anything changes: a delivery may have held a lock while
    // we waited; one that went out stays sent (and counts with those kept).
    const { waiting, gone } = await recheckClaimed(r.wf, pending);
    sentMeanwhile = gone.filter((s) => s.state === "sent").length;
    // Out of every group first: nothing can be sent to a forgotten client, and a damaged groups
    // file stops here, before anything was deleted.
    groups = await removeFromGroups(ctx.home.root, [tag]);

    // Queued follow-ups: cancelled in the ledger and deleted, as `outbox cancel` does. One whose
    // delivery began in a run that stopped (`sending` with its lock free, or `uncertain`) may have
    // arrived: it is recorded as uncertain, not cancelled, and its bundle kept in the archive with
    // what was sent (the record of what the client may have received), not deleted.
    for (const s of waiting) {
      if (mayHaveArrived(s)) {
        if (s.state === "sending") await r.wf.ledger.append({ fu: s.key, ev: "uncertain" }, r.wf.now());
        await r.wf.outbox.archive(s.bundle);
        uncertain.push(s.bundle);
        continue;
      }
      await r.wf.ledger.append({ fu: s.key, ev: "cancelled" }, r.wf.now());
      await r.wf.outbox.remove(s.bundle);
      queued++;
    }
  } finally {
    await release();
  }
  // Hand-over copies: the archive keeps the record; the copies were only for handing over.
  let copies = 0;
  for (const dir of handoffFolders(ctx.home.root, ctx.settings.channels)) {
    for (const s of states) {
      if (s.bundle === undefined) continue;
      for (const name of handoffNames(s.bundle)) {
        const path = join(dir, name);
        if (await exists(path)) {
          await rm(path, { force: true });
          copies++;
        }
      }
    }
  }
  const { record, deleted } = forgottenRecord(client, today);
  await r.practice.clients.put(record);
  // The sender's address in each message they wrote is contact data too; the messages stay.
  const inbox = new InboxStore(ctx.home.root, r.practice.keys.ageRecipient);
  const inboxKeys = { identities: [r.practice.keys.identity] };
  for (const m of messagesOf((await r.wf.ledger.read()).events, new Set([tag]))) {
    const stored = await inbox.readMessage(m.id, inboxKeys).catch(() => undefined);
    if (stored !== undefined && stored.from !== "") await inbox.replaceMessage({ ...stored, from: "" });
  }
  // The media cache is not kept per client: it may hold their processed photos and recordings.
  const { clearMediaCache, mediaCacheDir } = await import("../../media/cache.js");
  const cached = await clearMediaCache(mediaCacheDir(ctx.home.cache));

  const read = await r.wf.ledger.read();
  const time = (await r.time.entries()).filter((e) => e.client === tag);
  const retention = retentionOf({
    clients: [record], tags: new Map([[record.alias, await r.wf.tagger(record.alias)]]), events: read.events, time, retention: r.settings.retention, tz: r.wf.tz, today,
  })[0];
  const archived = states.filter((s) => s.state === "sent").length + sentMeanwhile;
  const received = messagesOf(read.events, new Set([tag])).length;
  const fields = deleted.map((f) => ctx.out.text(`forget.field.${f}` as Parameters<typeof ctx.out.text>[0]));
  ctx.out.say("forget.deleted", { alias, fields: fields.join(", ") || "–", queued, copies });
  ctx.out.say("forget.kept", {
    followUps: archived,
    messages: received,
    time: time.length,
    until: retention?.keepUntil ?? addSpan(today, r.settings.retention),
  });
  if (cached > 0) ctx.out.say("records.cacheCleared", { count: cached });
  for (const id of uncertain) ctx.out.warn("forget.mayHaveArrived", { alias, id });
  if (groups.length > 0) ctx.out.say("group.clientLeft", { alias, count: groups.length, groups: groups.join(", ") });
  ctx.out.say("forget.after", { until: retention?.keepUntil ?? addSpan(today, r.settings.retention) });
  ctx.out.result({
    alias,
    deleted: { fields: deleted, queuedFollowUps: queued, handoffCopies: copies, groups, mediaCacheEntries: cached },
    kept: {
      registryEntry: ["alias", "name", "lang", "consents", "billing"],
      followUps: archived,
      mayHaveArrived: uncertain,
      messagesReceived: received,
      ledger: true,
      timeEntries: time.length,
    },
    keepUntil: retention?.keepUntil ?? null,
  });
}
