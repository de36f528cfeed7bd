/**
 * Retention: records are kept for a span (default ten years, §630f para. 3 BGB) after a
 * client's last contact, then deleted. The last contact is the latest day on which anything
 * happened with the client: a follow-up sealed or sent (or any later event of it), contact time,
 * a consent given or withdrawn, the day the client was added. What `client forget` itself writes on
 * its day (every current consent withdrawn, waiting follow-ups cancelled, those that may have
 * arrived marked uncertain) is no contact: an erasure request must not restart the retention it
 * is limited by; nor is anything after that day (the client is gone; what happens to their
 * records later, a message read or a receipt arriving, is no contact with them). A client removed from the registry
 * still has records (ledger, archive, time): those are found by the client tag alone and purged
 * on the same rule.
 *
 * `retentionOf` only looks; `executePurge` deletes (or, as a dry run, counts) what it found
 * expired: bundles in the outbox, the archive and the hand-off folders (and viewer pages beside
 * them), time entries, ledger lines (compacted with a signed purge record, ledger-purge.ts), and
 * the registry entry. Nothing of a client whose retention has not ended is touched.
 */
import { rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { LedgerEvent } from "../delivery/ledger.js";
import type { ClientRecord } from "../practice/clients.js";
import { addSpan, type Span } from "./duration.js";
import { purgeLedger, type LedgerSigner, type PurgeSummary } from "./ledger-purge.js";
import { dayIn } from "./settings.js";
import type { ContactTime, TimeEntry } from "./time.js";

export interface ClientRetention {
  readonly tag: string;
  /** Undefined for a client no longer in the registry. */
  readonly alias?: string;
  readonly lastContact: string;
  readonly keepUntil: string;
  readonly expired: boolean;
  /** Ledger follow-up keys and bundle ids of the client. */
  readonly followUps: ReadonlySet<string>;
  readonly bundles: ReadonlySet<string>;
  readonly ledgerLines: number;
}

export interface RetentionInput {
  readonly clients: readonly ClientRecord[];
  /** Each client's keyed tag (the workflow's tagger, asked beforehand: it may ask the agent). */
  readonly tags: ReadonlyMap<string, string>;
  readonly events: readonly LedgerEvent[];
  readonly time: readonly TimeEntry[];
  /**
   * Days of records that are no contact (contact time removed with `time remove`: its lines stay
   * until the purge) per client tag. They count only for a tag with nothing else, so that its
   * lines are purged some day; a mistaken entry does not keep another client's records longer.
   */
  readonly traces?: ReadonlyMap<string, readonly string[]>;
  readonly retention: Span;
  readonly tz: string;
  /** Today in the practice's time zone (YYYY-MM-DD). */
  readonly today: string;
}

/** Whether the retention of a contact on `day` has ended by `today`: the rule the purge goes by. */
export function retentionEnded(day: string, retention: Span, today: string): boolean {
  return today > addSpan(day, retention);
}

/**
 * The earliest day a contact may lie on so that its retention has not ended by `today`: every
 * day from it to today is kept, the day before it would be purged at once. Found by the purge's
 * own rule (`retentionEnded`), walking back from a week after today minus the span, because
 * month ends roll over (31 March minus a month is 3 March, and 1 February plus a month ends
 * before 31 January plus one).
 */
export function earliestKeptDay(today: string, retention: Span): string {
  const start = addSpan(addSpan(today, { amount: -retention.amount, unit: retention.unit }), { amount: 7, unit: "d" });
  let day = start > today ? today : start;
  for (;;) {
    const before = addSpan(day, { amount: -1, unit: "d" });
    if (retentionEnded(before, retention, today)) return day;
    day = before;
  }
}

/** Every client (in the registry or only in the records) with its last contact and whether its retention has ended. */
export function retentionOf(input: RetentionInput): ClientRetention[] {
  const days = new Map<string, string[]>();
  const forgotten = new Map<string, string>();
  const add = (tag: string, day: string) => {
    // After a client was forgotten there is no contact with them any more: a message read
    // later, a receipt arriving late or a time entry moved does not restart the retention.
    const forgottenOn = forgotten.get(tag);
    if (forgottenOn !== undefined && day > forgottenOn) return;
    const list = days.get(tag);
    if (list === undefined) days.set(tag, [day]);
    else list.push(day);
  };
  const aliases = new Map<string, string>();
  for (const c of input.clients) {
    const tag = input.tags.get(c.alias);
    if (tag === undefined) continue;
    aliases.set(tag, c.alias);
    if (c.forgotten !== undefined) forgotten.set(tag, c.forgotten);
    add(tag, dayIn(new Date(c.created), input.tz));
    for (const consent of c.consents) {
      add(tag, consent.date);
      if (consent.withdrawn !== undefined && consent.withdrawn !== c.forgotten) add(tag, consent.withdrawn);
    }
  }
  // Follow-ups belong to the client their `sealed` event names; later events count for it too.
  const owner = new Map<string, string>();
  const bundles = new Map<string, Set<string>>();
  const followUps = new Map<string, Set<string>>();
  const lines = new Map<string, number>();
  for (const e of input.events) {
    // The inbox's events name the client only; a follow-up's, its key.
    const fu = "fu" in e ? e.fu : undefined;
    if (e.ev === "sealed") {
      owner.set(e.fu, e.client);
      const b = bundles.get(e.client) ?? new Set<string>();
      b.add(e.bundle);
      bundles.set(e.client, b);
    }
    const tag = (fu === undefined ? undefined : owner.get(fu)) ?? (e as { client?: string }).client;
    if (tag === undefined) continue;
    if (fu !== undefined) {
      const f = followUps.get(tag) ?? new Set<string>();
      f.add(fu);
      followUps.set(tag, f);
    }
    lines.set(tag, (lines.get(tag) ?? 0) + 1);
    // A client's message counts on the day it arrived, not the day it was decoded (by forget,
    // say) — the earlier of the two: the time a channel gives for "arrived" is another clock's.
    const day = dayIn(new Date(e.ev === "received" ? Math.min(Date.parse(e.arrived), Date.parse(e.at)) : Date.parse(e.at)), input.tz);
    // `client forget` cancels what waits and marks what may have arrived uncertain: no contact.
    if (!((e.ev === "cancelled" || e.ev === "uncertain") && forgotten.get(tag) === day)) add(tag, day);
  }
  for (const t of input.time) add(t.client, t.day);
  for (const [tag, list] of input.traces ?? []) if (!days.has(tag)) for (const day of list) add(tag, day);
  const out: ClientRetention[] = [];
  for (const [tag, list] of days) {
    const lastContact = list.reduce((a, b) => (b > a ? b : a));
    const keepUntil = addSpan(lastContact, input.retention);
    const alias = aliases.get(tag);
    out.push({
      tag,
      ...(alias === undefined ? {} : { alias }),
      lastContact,
      keepUntil,
      expired: retentionEnded(lastContact, input.retention, input.today),
      followUps: followUps.get(tag) ?? new Set(),
      bundles: bundles.get(tag) ?? new Set(),
      ledgerLines: lines.get(tag) ?? 0,
    });
  }
  // Clients in the registry by alias, then those known only by their tag.
  const key = (c: ClientRetention) => (c.alias === undefined ? `1${c.tag}` : `0${c.alias}`);
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export interface PurgePlaces {
  readonly outbox: string;
  readonly archive: string;
  /** The hand-off folders: the home's and every configured folder-like channel's. */
  readonly handoff: readonly string[];
}

export interface StoredFile {
  readonly path: string;
  readonly bytes: number;
  readonly place: "outbox" | "archive" | "handoff";
}

/** What a hand-over of one bundle leaves in a hand-off folder: the bundle, its viewer page, Wire's instructions. */
export function handoffNames(bundleId: string): string[] {
  return [`${bundleId}.age`, `${bundleId}.html`, `${bundleId}.wire.txt`];
}

/** The files a client's bundles occupy: bundle, outbox description, hand-off copy and viewer page. */
export async function bundleFiles(bundles: ReadonlySet<string>, places: PurgePlaces): Promise<StoredFile[]> {
  const candidates: { path: string; place: StoredFile["place"] }[] = [];
  for (const id of bundles) {
    candidates.push({ path: join(places.outbox, `${id}.age`), place: "outbox" }, { path: join(places.outbox, `${id}.meta.age`), place: "outbox" });
    candidates.push({ path: join(places.archive, `${id}.age`), place: "archive" });
    for (const dir of places.handoff) for (const name of handoffNames(id)) candidates.push({ path: join(dir, name), place: "handoff" });
  }
  const found: StoredFile[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c.path)) continue;
    seen.add(c.path);
    const info = await stat(c.path).catch(() => undefined);
    if (info?.isFile()) found.push({ ...c, bytes: info.size });
  }
  return found;
}

/** Something else that holds records per client tag (the inbox), purged with the rest. */
export interface TaggedStore {
  readonly name: string;
  purge(tags: ReadonlySet<string>, dryRun: boolean): Promise<{ items: number; bytes: number }>;
}

export interface PurgeEnv {
  readonly places: PurgePlaces;
  readonly ledgerDir: string;
  readonly time: ContactTime;
  readonly signer: LedgerSigner;
  readonly removeClient: (alias: string) => Promise<void>;
  readonly stores?: readonly TaggedStore[];
  readonly now: Date;
}

export interface PurgedClient {
  readonly client: ClientRetention;
  readonly files: readonly StoredFile[];
  readonly bytes: number;
  /** Contact-time entries whose lines go: standing ones and those removed with `time remove`. */
  readonly timeEntries: number;
}

export interface PurgeOutcome {
  readonly clients: readonly PurgedClient[];
  readonly ledgerLines: number;
  readonly timeEntries: number;
  readonly storeItems: Readonly<Record<string, number>>;
  readonly bytes: number;
  readonly summary?: PurgeSummary;
}

/**
 * Delete the records of the expired clients (or, with `dryRun`, only say what would go). Files
 * first, then time entries and other stores, then the ledger (one compaction for all), then the
 * registry entries: a crash part-way leaves the ledger and registry naming what is left to do,
 * and running the purge again finishes it.
 */
export async function executePurge(expired: readonly ClientRetention[], env: PurgeEnv, dryRun: boolean): Promise<PurgeOutcome> {
  const tags = new Set(expired.map((c) => c.tag));
  const found = new Map<string, StoredFile[]>();
  for (const client of expired) found.set(client.tag, await bundleFiles(client.bundles, env.places));
  if (!dryRun) for (const files of found.values()) for (const f of files) await rm(f.path, { force: true });
  // Counted by the store as it deletes (or would): what the report says is what went.
  const time = await env.time.purge(tags, dryRun);
  const clients = expired.map((client): PurgedClient => {
    const files = found.get(client.tag) ?? [];
    return { client, files, bytes: files.reduce((t, f) => t + f.bytes, 0), timeEntries: time.entries.get(client.tag) ?? 0 };
  });
  const timeEntries = clients.reduce((t, c) => t + c.timeEntries, 0);
  const storeItems: Record<string, number> = {};
  let storeBytes = 0;
  for (const store of env.stores ?? []) {
    const r = await store.purge(tags, dryRun);
    storeItems[store.name] = r.items;
    storeBytes += r.bytes;
  }
  const bytes = clients.reduce((t, c) => t + c.bytes, 0) + storeBytes;
  if (dryRun) return { clients, ledgerLines: expired.reduce((t, c) => t + c.ledgerLines, 0), timeEntries, storeItems, bytes };
  const followUps = new Set(expired.flatMap((c) => [...c.followUps]));
  const ledger = await purgeLedger(env.ledgerDir, followUps, tags, env.signer, env.now);
  for (const c of expired) if (c.alias !== undefined) await env.removeClient(c.alias);
  return {
    clients,
    ledgerLines: ledger.removedLines,
    timeEntries,
    storeItems,
    bytes,
    ...(ledger.summary === undefined ? {} : { summary: ledger.summary }),
  };
}
