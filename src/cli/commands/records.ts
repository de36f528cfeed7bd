/**
 * `nachklang records retention [set SPAN] | purge [--dry-run] | prune handoff --older-than SPAN
 * | verify`: how long records are kept, deleting them when that time has passed, emptying
 * hand-off folders, and checking the ledger against its signed purge records.
 */
import { ExitCode, IntegrityError, UserError } from "../../errors.js";
import { configFile } from "../../practice/config.js";
import { nodeEd25519 } from "../../bundle/ed25519-node.js";
import { parsePublicKey, signWith, verify } from "../../bundle/signature.js";
import { formatSpan, parseSpan, spanDays } from "../../records/duration.js";
import { verifyLedger, type LedgerSigner, type LedgerVerifier } from "../../records/ledger-purge.js";
import { executePurge, retentionOf, type ClientRetention } from "../../records/retention.js";
import { handoffFolders, pruneHandoff } from "../../records/storage.js";
import { dayIn, DEFAULT_RETENTION, parseRetention, recordsSettings, requireRecordsSettings } from "../../records/settings.js";
import { foldTime, type TimeEntry, type TimeEvent } from "../../records/time.js";
import { removeFromGroups } from "../../practice/groups.js";
import type { LedgerEvent } from "../../delivery/ledger.js";
import { purgeMessages } from "../../inbox/records.js";
import type { CliContext } from "../context.js";
import { minisignPublicKeyFile, practicePublic } from "../practice.js";
import { openRecords, type CliRecords } from "../records.js";
import { formatSize, openInbox, processInbox } from "../workflow.js";

export function retention(ctx: CliContext, action: string | undefined, value: string | undefined): Promise<void> {
  if (action !== undefined) {
    if (action !== "set" || value === undefined) throw new UserError(ExitCode.usage, "records.retentionUsage");
    const span = parseRetention(value);
    // Shorter than the law's ten years is allowed (other professions, other countries) but said out loud.
    if ((span.unit === "y" ? span.amount * 12 : span.amount) < 120) ctx.out.warn("records.retentionShort", { span: formatSpan(span) });
    const records = (ctx.config.get("records") as Record<string, unknown> | undefined) ?? {};
    ctx.config.set("records", { ...records, retention: formatSpan(span) });
  }
  const settings = action === undefined ? requireRecordsSettings(ctx.settings.records, configFile(ctx.home.root)) : recordsSettings(ctx.config.get("records"));
  ctx.out.say("records.retention", { span: formatSpan(settings.retention), standard: DEFAULT_RETENTION });
  ctx.out.result({ retention: formatSpan(settings.retention) });
  return Promise.resolve();
}

function signer(r: CliRecords): LedgerSigner {
  const { keys } = r.practice;
  return { keyId: keys.keyId, sign: (message, comment) => signWith(keys.signer, message, comment) };
}

function verifier(ctx: CliContext): LedgerVerifier {
  const pub = practicePublic(ctx);
  const key = parsePublicKey(minisignPublicKeyFile(pub.keyId, pub.minisignPublicKey));
  return { keyId: pub.keyId, verify: (message, signature) => void verify(key, message, signature, nodeEd25519) };
}

/**
 * Entries removed by `time remove` still have their lines in the records file (only the purge
 * removes lines), naming the client's tag: their days are traces (retention.ts), so that those
 * lines are purged with the client's other records, or on their own for a client no longer in
 * the registry whose only trace they may be — never a contact that moves the date.
 */
function correctedAway(events: readonly TimeEvent[], standing: readonly TimeEntry[], tz: string): Map<string, string[]> {
  const stands = new Set(standing.map((e) => e.id));
  const owner = new Map<string, string>();
  const days = new Map<string, string[]>();
  for (const e of events) {
    if (e.ev === "logged") owner.set(e.id, e.client);
    const tag = owner.get(e.id);
    if (tag === undefined || stands.has(e.id)) continue;
    const list = days.get(tag) ?? [];
    list.push(dayIn(new Date(e.at), tz));
    if (e.ev === "logged") list.push(e.day);
    days.set(tag, list);
  }
  return days;
}

async function retentionState(ctx: CliContext, r: CliRecords, events: readonly LedgerEvent[]): Promise<ClientRetention[]> {
  const clients = r.practice.clients.list();
  const tags = new Map<string, string>();
  for (const c of clients) tags.set(c.alias, await r.wf.tagger(c.alias));
  const timeEvents = (await r.time.events()).events;
  const time = foldTime(timeEvents);
  return retentionOf({
    clients,
    tags,
    events,
    time,
    traces: correctedAway(timeEvents, time, r.wf.tz),
    retention: r.settings.retention,
    tz: r.wf.tz,
    today: r.today(),
  });
}

const who = (ctx: CliContext, c: ClientRetention) => c.alias ?? ctx.out.text("records.removedClient", { tag: c.tag.slice(0, 8) });

export async function purge(ctx: CliContext, o: { dryRun?: boolean }): Promise<void> {
  requireRecordsSettings(ctx.settings.records, configFile(ctx.home.root));
  const r = await openRecords(ctx);
  const dryRun = o.dryRun === true;
  // Messages waiting to be decoded first: each counts as a contact and belongs to its client.
  // A dry run touches nothing, so it only says how many wait.
  const inbox = await openInbox(ctx, r);
  if (!dryRun) await processInbox(ctx, inbox);
  else {
    const pending = await inbox.store.pendingCount();
    if (pending > 0) ctx.out.warn("records.purgeInboxPending", { count: pending });
  }
  const { events } = await r.wf.ledger.read();
  const state = await retentionState(ctx, r, events);
  const expired = state.filter((c) => c.expired);
  const outcome = await executePurge(
    expired,
    {
      places: { outbox: ctx.home.outbox, archive: ctx.home.archive, handoff: handoffFolders(ctx.home.root, ctx.settings.channels) },
      ledgerDir: ctx.home.ledger,
      time: r.time,
      signer: signer(r),
      removeClient: (alias) => r.practice.clients.remove(alias),
      // Purged clients leave their groups too (groups name members by tag only).
      stores: [
        { name: "groups", purge: async (tags, dry) => ({ items: dry ? 0 : (await removeFromGroups(ctx.home.root, [...tags])).length, bytes: 0 }) },
        { name: "inbox", purge: (tags, dry) => purgeMessages(inbox.store, events, tags, dry) },
      ],
      now: r.wf.now(),
    },
    dryRun,
  );
  if (expired.length === 0) ctx.out.say("records.purgeNothing", { span: formatSpan(r.settings.retention) });
  for (const c of outcome.clients) {
    ctx.out.say(dryRun ? "records.purgeWouldLine" : "records.purgeLine", {
      client: who(ctx, c.client),
      last: c.client.lastContact,
      until: c.client.keepUntil,
      followUps: c.client.bundles.size,
      files: c.files.length,
      size: formatSize(c.bytes),
      time: c.timeEntries,
      lines: c.client.ledgerLines,
    });
  }
  if (expired.length > 0) {
    // Only a purge that removed ledger lines signs a record: the line names the record only then.
    ctx.out.say(dryRun ? "records.purgeWouldTotal" : outcome.ledgerLines > 0 ? "records.purgeTotal" : "records.purgeTotalNoLines", {
      clients: expired.length,
      size: formatSize(outcome.bytes),
      lines: outcome.ledgerLines,
      time: outcome.timeEntries,
      messages: outcome.storeItems.inbox ?? 0,
    });
  }
  // The media cache is not kept per client: it may hold the purged clients' photos and recordings.
  let cached = 0;
  if (!dryRun && expired.length > 0) {
    const { clearMediaCache, mediaCacheDir } = await import("../../media/index.js");
    cached = await clearMediaCache(mediaCacheDir(ctx.home.cache));
    if (cached > 0) ctx.out.say("records.cacheCleared", { count: cached });
  }
  const kept = state.filter((c) => !c.expired);
  ctx.out.say("records.purgeKept", { count: kept.length });
  ctx.out.result({
    dryRun,
    removed: outcome.clients.map((c) => ({
      client: c.client.alias ?? null,
      tag: c.client.tag,
      lastContact: c.client.lastContact,
      keepUntil: c.client.keepUntil,
      followUps: c.client.bundles.size,
      files: c.files.length,
      bytes: c.bytes,
      timeEntries: c.timeEntries,
      ledgerLines: c.client.ledgerLines,
    })),
    bytes: outcome.bytes,
    ledgerLines: outcome.ledgerLines,
    timeEntries: outcome.timeEntries,
    inboxMessages: outcome.storeItems.inbox ?? 0,
    mediaCacheEntries: cached,
    kept: kept.map((c) => ({ client: c.alias ?? null, lastContact: c.lastContact, keepUntil: c.keepUntil })),
  });
}

export async function prune(ctx: CliContext, what: string, o: { olderThan?: string; dryRun?: boolean }): Promise<void> {
  if (what !== "handoff") throw new UserError(ExitCode.usage, "records.pruneWhat", { value: what });
  const span = parseSpan(o.olderThan ?? "30d", ["d", "m", "y"]);
  const { clockFromEnv } = await import("../../delivery/clock.js");
  const pruned = await pruneHandoff(handoffFolders(ctx.home.root, ctx.settings.channels), ctx.home.archive, spanDays(span), clockFromEnv()(), o.dryRun === true);
  const bytes = pruned.reduce((t, f) => t + f.bytes, 0);
  ctx.out.say(o.dryRun === true ? "records.pruneWould" : "records.pruned", { count: pruned.length, size: formatSize(bytes), span: formatSpan(span) });
  ctx.out.result({ dryRun: o.dryRun === true, files: pruned.map((f) => f.path), bytes });
}

export async function verifyRecords(ctx: CliContext): Promise<void> {
  const check = await verifyLedger(ctx.home.ledger, verifier(ctx));
  ctx.out.result(check);
  const first = check.problems[0];
  if (first !== undefined) throw new IntegrityError(first.key, { file: ctx.home.ledger, detail: first.detail });
  ctx.out.say("records.verified", { lines: check.lines, purges: check.purges });
}
