/**
 * Shared by the records commands (time, billing, records, client export/forget, backup): the
 * unlocked practice with its workflow (ledger, outbox, client tags, time zone, clock) and the
 * contact-time store.
 */
import { resolve } from "node:path";
import { clockFromEnv } from "../delivery/clock.js";
import { foldLedger } from "../delivery/ledger.js";
import { messagesOf } from "../inbox/records.js";
import { writePrivateFile } from "../files.js";
import type { Keyring } from "../practice/keyring.js";
import { newRecoveryKey, recoveryAnchor, recoveryCopyPath, type RecoverySetting, recoveryKeyText, writeRecoveryCopy } from "../records/recovery.js";
import { answeringMinutes, ContactTime, roomOnDay, type DayRoom, type TimeKind, type TimeSource } from "../records/time.js";
import { formatMinutes, MAX_CONTACT_MINUTES } from "../records/duration.js";
import { dayIn, recordsSettings, type RecordsSettings } from "../records/settings.js";
import type { CliContext } from "./context.js";
import { openCliWorkflow, type CliWorkflow } from "./workflow.js";

/** Make a recovery key: the file, the keyring's copy sealed to it, the public part in the config. */
export async function makeRecoveryKey(ctx: CliContext, keyring: Keyring, out: string | undefined): Promise<void> {
  const key = await newRecoveryKey(keyring.ageIdentity);
  const created = clockFromEnv()().toISOString();
  const text = recoveryKeyText(key, ctx.settings.practice?.name ?? keyring.keyId, created.slice(0, 10));
  if (out !== undefined) {
    await writePrivateFile(resolve(out), text, { exclusive: true });
    ctx.out.say("recovery.written", { file: resolve(out) });
  } else {
    ctx.out.say("recovery.shown");
    // Shown once, on the terminal only (never in --json output or a log).
    process.stdout.write(`\n    ${key.identity}\n\n`);
  }
  await writeRecoveryCopy(ctx.home.root, keyring, key.recipient);
  ctx.config.set("recovery", { recipient: key.recipient, created, anchor: recoveryAnchor(key.identity, keyring.signing) } satisfies RecoverySetting);
  ctx.out.say("recovery.sealed", { file: recoveryCopyPath(ctx.home.root) });
}

export interface CliRecords extends CliWorkflow {
  readonly time: ContactTime;
  readonly settings: RecordsSettings;
  /** Today in the practice's time zone (YYYY-MM-DD), by the clock (NACHKLANG_NOW in tests). */
  today(): string;
}

function contactTime(ctx: CliContext, opened: CliWorkflow): ContactTime {
  const { keys } = opened.practice;
  return new ContactTime(ctx.home.records, keys.ageRecipient, { identities: [keys.identity] });
}

/**
 * An automatic entry of contact time, unless the practice switched those off (`time auto off`).
 * It keeps to the 24-hour rule like `time log` (records/time.ts `roomOnDay`), but never fails
 * the action it comes from (a reply is sent, a follow-up stored): on a day that is full it is
 * shortened to what fits, or left out, and one line on stderr says so.
 */
async function logAutomatic(ctx: CliContext, opened: CliWorkflow, alias: string, minutes: number, kind: TimeKind, source: TimeSource): Promise<void> {
  if (!recordsSettings(ctx.settings.records).autoTime) return;
  const time = contactTime(ctx, opened);
  const client = await opened.wf.tagger(alias);
  const day = dayIn(opened.wf.now(), opened.wf.tz);
  // The room is measured on the same reading of the file as the entry is appended to.
  let room: DayRoom = { logged: 0, fits: minutes };
  const entry = await time.log({ client, day, minutes, kind, source }, opened.wf.now(), (all) => (room = roomOnDay(all, client, day, minutes)).fits);
  const { logged, fits } = room;
  const limits = { alias, day, logged: formatMinutes(logged), duration: formatMinutes(minutes), max: formatMinutes(MAX_CONTACT_MINUTES) };
  if (entry === undefined) {
    ctx.out.warn("time.autoDayFull", limits);
    return;
  }
  if (fits < minutes) ctx.out.warn("time.autoShortened", { ...limits, id: entry.id, fits: formatMinutes(fits) });
  else ctx.out.say("time.autoLogged", { id: entry.id, alias, duration: formatMinutes(minutes) });
}

/** The time spent composing a follow-up in the wizard: whole minutes, rounded up, one at least. */
export function logComposingTime(ctx: CliContext, opened: CliWorkflow, alias: string, elapsedMs: number): Promise<void> {
  return logAutomatic(ctx, opened, alias, Math.min(MAX_CONTACT_MINUTES, Math.max(1, Math.ceil(elapsedMs / 60_000))), "followup", "wizard");
}

/**
 * The time spent answering a client's messages (`inbox reply`): from when the answered messages
 * were last read to now (records/time.ts `answeringMinutes`: nothing when that is not one sitting).
 */
export async function logAnsweringTime(ctx: CliContext, opened: CliWorkflow, alias: string, readAt: readonly string[]): Promise<void> {
  const minutes = answeringMinutes(readAt, opened.wf.now());
  if (minutes !== undefined) await logAutomatic(ctx, opened, alias, minutes, "messenger", "inbox");
}

/**
 * How many entries the records keep under each alias's client tag: follow-ups, received messages
 * and contact time of a client removed from the registry (kept until their retention ends, found
 * by the tag the alias gives). Aliases with nothing are left out. An alias that still has records
 * is not free for a new client: they would inherit the old one's history (status, history,
 * `client export`).
 */
export async function recordsUnder(ctx: CliContext, aliases: readonly string[]): Promise<Map<string, number>> {
  const r = await openRecords(ctx);
  const tags = new Map<string, string>();
  for (const alias of aliases) tags.set(await r.wf.tagger(alias), alias);
  const counts = new Map<string, number>();
  const count = (tag: string | undefined) => {
    const alias = tag === undefined ? undefined : tags.get(tag);
    if (alias !== undefined) counts.set(alias, (counts.get(alias) ?? 0) + 1);
  };
  // One reading of the ledger for both: follow-ups and received messages.
  const { events } = await r.wf.ledger.read();
  for (const s of foldLedger(events).values()) count(s.client);
  for (const m of messagesOf(events, new Set(tags.keys()))) count(m.client);
  for (const e of await r.time.entries()) count(e.client);
  return counts;
}

export async function openRecords(ctx: CliContext): Promise<CliRecords> {
  const opened = await openCliWorkflow(ctx);
  return {
    ...opened,
    time: contactTime(ctx, opened),
    settings: recordsSettings(ctx.settings.records),
    today: () => dayIn(opened.wf.now(), opened.wf.tz),
  };
}
